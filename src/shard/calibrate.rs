//! Calibration shards: `merge` takes a round of proposals, evaluated by
//! `calibrate --shard K/N` from the calibration's checkpoint, into that
//! checkpoint in proposal order (as the unsharded calibration takes its
//! batches), and writes the calibration's files once its stopping rule
//! ends it.

use std::path::PathBuf;
use std::time::Instant;

use sha2::{Digest, Sha256};

use super::checks::{check_set, check_shard, refuse, Member};
use super::folder::read_description;
use crate::scenario;
use crate::study::calibrate::{epsilon_text, Calibration, ShardRound, SHARD_FILE, SHARD_FORMAT};
use crate::study::options::MergeOptions;
use crate::study::Error;

/// `entente merge` of `calibrate --shard K/N` folders: checks that they are
/// the shards of one round of one calibration, each once, and that the
/// calibration's checkpoint is still the one they went on from; takes
/// their proposals into it; writes the results if the calibration is then
/// complete, and otherwise says what to run next.
pub fn merge(args: &MergeOptions) -> Result<(), Error> {
    let started = Instant::now();
    let mut rounds: Vec<(PathBuf, ShardRound)> = Vec::new();
    for dir in &args.dirs {
        let round: ShardRound = read_description(dir, (SHARD_FILE, SHARD_FORMAT))?;
        check_shard(
            dir,
            (round.shard, round.shards),
            round.round_end - round.round_first,
            (
                round.first - round.round_first,
                round.end - round.round_first,
            ),
        )?;
        if !round
            .proposals
            .iter()
            .map(|p| p.index)
            .eq(round.first..round.end)
        {
            return Err(refuse(format!(
                "`{}` is damaged: its proposals are not {} to {}",
                dir.display(),
                round.first,
                round.end
            )));
        }
        rounds.push((dir.clone(), round));
    }
    let shared = |round: &ShardRound| {
        let mut value = serde_json::to_value(round).expect("a shard serialises");
        for key in ["shard", "first", "end", "seconds", "proposals"] {
            value.as_object_mut().map(|o| o.remove(key));
        }
        value.to_string()
    };
    let members: Vec<Member> = rounds
        .iter()
        .map(|(dir, round)| Member {
            dir,
            index: round.shard,
            shared: shared(round),
        })
        .collect();
    let first = rounds[0].1.clone();
    check_set(
        "calibrations or rounds",
        &members,
        (first.shards, &first.tool_version),
        &format!(
            "proposals {} to {} of generation {} of the calibration of `{}`",
            first.round_first, first.round_end, first.generation, first.scenario
        ),
    )?;
    rounds.sort_by_key(|(_, round)| round.shard);
    let dir = first.request.dir.clone();
    if args.out.as_ref().is_some_and(|out| *out != dir) {
        return Err(refuse(format!(
            "--out does not apply to calibration shards: they go on with the calibration in \
             `{}`, whose checkpoint they read",
            dir.display()
        )));
    }

    let scenario = scenario::load(&first.request.file)?;
    let calibration = Calibration::new(&scenario, first.request.clone(), 1)?;
    if calibration.provenance().scenario_hash != first.scenario_hash {
        return Err(refuse(format!(
            "`{}` is not the scenario the shards calibrated any more (it, or a file it \
             extends, changed since): start the calibration over",
            first.request.file.display()
        )));
    }
    let (out, mut run, checkpoint) = calibration.open(args.claim())?;
    let sha = checkpoint.map_or_else(String::new, |text| {
        scenario::hex(&Sha256::digest(text.as_bytes()))
    });
    if sha != first.checkpoint_sha256 {
        return Err(refuse(format!(
            "the calibration in `{}` is not where these shards took it from (they hold \
             proposals {} to {} of generation {}; already merged?): run `entente calibrate \
             --shard K/N` again for each shard, then merge",
            dir.display(),
            first.round_first,
            first.round_end,
            first.generation
        )));
    }
    let mut tally = std::mem::take(&mut run.partial);
    let step = calibration.step(&run.generations);
    step.take(
        &mut tally,
        rounds.into_iter().flat_map(|(_, round)| round.proposals),
    );
    let particles = calibration.settings.particles;
    let status = if step.complete(&tally) {
        let generation = step.finish(tally);
        let status = format!(
            "generation {} is complete: epsilon {}, acceptance {}",
            generation.index,
            epsilon_text(generation.epsilon),
            crate::format::percent(generation.acceptance_rate())
        );
        run.generations.push(generation);
        status
    } else if step.capped(&tally) {
        run.capped = Some(step.index);
        format!(
            "generation {} reached the proposal cap ({} proposals) with {} of its {particles} particles",
            step.index,
            tally.proposals,
            tally.accepted.len()
        )
    } else {
        let status = format!(
            "generation {} has {} of its {particles} particles after {} proposals",
            step.index,
            tally.accepted.len(),
            tally.proposals
        );
        run.partial = tally;
        status
    };
    let path = calibration.save(&out, &run)?;
    if !args.quiet {
        println!(
            "merged {} shards of the calibration of `{}`: {status}",
            first.shards, first.scenario
        );
    }
    if calibration.ended(&run).is_some() {
        return calibration.finish(
            &out,
            &run,
            started.elapsed().as_secs_f64(),
            args.charts.size,
            args.quiet,
        );
    }
    if !args.quiet {
        println!("  wrote {}", path.display());
        println!(
            "  not complete yet: run the {} shards again (`entente calibrate {} --shard K/N` with \
             the same flags), then merge them",
            first.shards,
            first.request.file.display()
        );
    }
    Ok(())
}
