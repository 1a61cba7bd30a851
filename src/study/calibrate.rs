//! `entente calibrate`: ABC-SMC of a scenario's uncertain parameters
//! against its `[[targets]]`, written to `<out>/<name>-calibration/`:
//!
//! * `posterior.csv`: every generation's particles (generation, particle,
//!   weight, distance, one column per parameter by its path);
//! * `generations.csv`: epsilon, proposals, acceptance, effective sample
//!   size and model runs of each generation;
//! * `targets.csv`: each target with the posterior predictive median and
//!   5% / 95% quantiles of its simulated summary over the last generation;
//! * `posterior.toml`: an overlay drawing the calibrated parameters jointly,
//!   one whole row of posterior.csv's last generation per run (`[posterior]`),
//!   so their correlations are kept;
//! * the charts and briefing.html (`calibrate_briefing`);
//! * `calibration.json`, written last: the request and its provenance.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Instant;

use sha2::{Digest, Sha256};

use super::{watch, Error};
use crate::calibrate::abc::{self, Generation, Settings};
use crate::calibrate::{choose_params, Problem};
use crate::diagnostic::Problem as Message;
use crate::format::csv::{field, number};
use crate::model::params::{pair_index, ParamPath};
use crate::output::files::Provenance;
use crate::scenario::{self, path::pair_of, Scenario, Uncertain};
use crate::study::options::CalibrateOptions;

/// The file written last, whose presence marks a finished calibration.
pub const MARKER: &str = "calibration.json";

pub fn execute(args: &CalibrateOptions) -> Result<(), Error> {
    for (value, flag) in [
        (args.particles, "--particles"),
        (u64::from(args.generations), "--generations"),
        (args.runs, "--runs"),
        (args.common.threads.map_or(1, |t| t as u64), "--threads"),
    ] {
        if value == 0 {
            return Err(Error::Usage(Message::new(format!(
                "{flag} must be at least 1"
            ))));
        }
    }
    if args.particles < 2 {
        return Err(Error::Usage(
            Message::new("--particles must be at least 2")
                .with_help("the kernel is the particles' covariance; a few hundred is usual"),
        ));
    }
    let scenario = scenario::load(&args.file)?;
    if scenario.targets.is_empty() {
        return Err(Error::Usage(
            Message::new(format!(
                "`{}` has no [[targets]] to calibrate against",
                args.file.display()
            ))
            .with_help(
                "add e.g. [[targets]] name = \"...\", series = \"trade CHN-RUS\", tick = 4, \
                 observed = 1.2, sd = 0.1, source = \"...\" (see README, Calibration)",
            ),
        ));
    }
    let (params, left) = choose_params(&scenario, &args.params)
        .map_err(|r| Error::Usage(Message::new(r.message).with_help(r.help)))?;
    if params.is_empty() {
        return Err(Error::Usage(
            Message::new(format!(
                "`{}` has no uncertain parameter to calibrate",
                args.file.display()
            ))
            .with_help(
                "give the parameters to calibrate a prior distribution, \
                 e.g. `identity = { uniform = [0.0, 2.0] }`",
            ),
        ));
    }
    let seed = args.common.seed.unwrap_or(scenario.seed);
    let threads = args.common.threads();
    let problem = Problem {
        scenario: &scenario,
        params,
        runs: args.runs,
        seed,
    };
    let settings = Settings {
        particles: args.particles as usize,
        generations: args.generations,
        alpha: abc::ALPHA,
        seed,
        threads,
        max_proposals: args
            .particles
            .saturating_mul(abc::MAX_PROPOSALS_PER_PARTICLE),
    };
    let dir = args
        .common
        .out
        .join(format!("{}-calibration", scenario.name));
    let names: Vec<&str> = problem.params.iter().map(|u| u.name.as_str()).collect();
    if !args.common.quiet {
        println!(
            "{}: ABC-SMC of {} ({}) against {}, {} particles x {} generations, {} runs each",
            scenario.name,
            crate::format::counted(names.len(), "parameter"),
            names.join(", "),
            crate::format::counted(scenario.targets.len(), "target"),
            args.particles,
            args.generations,
            args.runs
        );
        if !left.is_empty() {
            let left: Vec<&str> = left.iter().map(|u| u.name.as_str()).collect();
            println!("  still drawn per run, not calibrated: {}", left.join(", "));
        }
    }
    if args.dry_run {
        return dry_run(&problem, args, threads, &dir);
    }

    let request = request_json(&problem, args, seed);
    let provenance = Provenance::current(request_hash(&scenario, &request), seed, args.runs);
    let out = super::run::prepare_results(&dir, MARKER, &provenance, args.common.claim())?;
    // A bar over model runs: at least particles x generations x runs,
    // growing as acceptance falls.
    let planned = args.particles * u64::from(args.generations) * args.runs;
    let bar = watch::current().bar(planned, &scenario.name, args.common.quiet, true);
    let shown = std::sync::atomic::AtomicU64::new(0);
    let total = std::sync::atomic::AtomicU64::new(planned);
    let progress = |g: u32, accepted: usize, proposals: u64, simulations: u64| {
        let runs = simulations * args.runs;
        let before = total.fetch_max(runs, Ordering::Relaxed);
        if runs > before {
            bar.grow(runs - before);
        }
        let done = shown.fetch_max(runs, Ordering::Relaxed);
        if runs > done {
            bar.inc(runs - done);
        }
        bar.set_message(format!(
            "generation {}/{}: {accepted}/{} particles, {proposals} proposals",
            g + 1,
            args.generations,
            args.particles
        ));
    };
    let started = Instant::now();
    let simulate = problem.simulator();
    let run = abc::abc_smc(
        &problem.priors(),
        &problem.observed(),
        &settings,
        &simulate,
        &progress,
        watch::current().stop(),
    );
    bar.finish_and_clear();
    let run = run
        .map_err(|_| Error::Interrupted("calibration stopped; nothing was written".to_string()))?;
    let seconds = started.elapsed().as_secs_f64();
    let Some(last) = run.generations.last() else {
        return Err(Error::Usage(
            Message::new(
                "the first generation did not finish: no proposal was accepted within the cap",
            )
            .with_help("check the targets' series and values"),
        ));
    };

    let written = [
        out.write(
            "posterior.csv",
            posterior_csv(&problem, &run.generations).as_bytes(),
        )?,
        out.write(
            "generations.csv",
            generations_csv(&run.generations, args.runs).as_bytes(),
        )?,
        out.write("targets.csv", targets_csv(&scenario, last).as_bytes())?,
        out.write("posterior.toml", posterior_toml(&problem, last).as_bytes())?,
    ];
    let drawn = super::calibrate_briefing::write(
        &out,
        &problem,
        &run,
        &left,
        args,
        &provenance.scenario_hash,
    )?;
    let mut record = request;
    record["scenario_hash"] = provenance.scenario_hash.clone().into();
    record["tool_version"] = crate::VERSION.into();
    record["generations_done"] = run.generations.len().into();
    record["stopped_at_generation"] = run.capped.map(serde_json::Value::from).into();
    record["seconds"] = seconds.into();
    let mut marker = serde_json::to_string_pretty(&record).expect("a Value serialises");
    marker.push('\n');
    let marker_path = out.write(MARKER, marker.as_bytes())?;

    if !args.common.quiet {
        if let Some(g) = run.capped {
            println!(
                "  generation {g} needed more than {} proposals (acceptance below {:.1}%): \
                 stopped there; the posterior is generation {}'s",
                settings.max_proposals,
                100.0 / abc::MAX_PROPOSALS_PER_PARTICLE as f64,
                g - 1
            );
        }
        let runs: u64 = run.generations.iter().map(|g| g.simulations).sum::<u64>() * args.runs;
        println!(
            "  {} generations, {} model runs in {} on {threads} threads; final epsilon {}",
            run.generations.len(),
            crate::format::thousands(runs),
            crate::format::elapsed(seconds),
            if last.epsilon.is_infinite() {
                "infinite (generation 0 only)".to_string()
            } else {
                number(last.epsilon)
            }
        );
        for (k, u) in problem.params.iter().enumerate() {
            let (mean, sd) = last.mean_sd(k);
            let q05 = last.quantile(|p| p.theta[k], 0.05);
            let q95 = last.quantile(|p| p.theta[k], 0.95);
            println!(
                "    {:<32} {} ± {}  (90%: {} to {}; prior {})",
                u.name,
                number(mean),
                number(sd),
                number(q05),
                number(q95),
                u.distribution.describe()
            );
        }
        for path in written.iter().chain(&drawn).chain([&marker_path]) {
            println!("  wrote {}", path.display());
        }
    }
    Ok(())
}

/// The request as calibration.json records it.
fn request_json(problem: &Problem, args: &CalibrateOptions, seed: u64) -> serde_json::Value {
    serde_json::json!({
        "scenario": problem.scenario.name,
        "seed": seed,
        "runs": args.runs,
        "particles": args.particles,
        "generations": args.generations,
        "alpha": abc::ALPHA,
        "params": problem.params.iter().map(|u| serde_json::json!({
            "path": u.name,
            "prior": u.distribution.describe(),
            "low": u.low,
            "high": u.high,
        })).collect::<Vec<_>>(),
        "targets": problem.scenario.targets.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
    })
}

/// The scenario's hash and the request's: a folder of another request is
/// not overwritten without --force.
fn request_hash(scenario: &Scenario, request: &serde_json::Value) -> String {
    let mut hasher = Sha256::new();
    hasher.update(scenario.hash().as_bytes());
    hasher.update(request.to_string().as_bytes());
    scenario::hex(&hasher.finalize())
}

fn posterior_csv(problem: &Problem, generations: &[Generation]) -> String {
    let mut text = String::from("generation,particle,weight,distance");
    for u in &problem.params {
        let _ = write!(text, ",{}", field(&u.name));
    }
    text.push('\n');
    for g in generations {
        for (i, p) in g.particles.iter().enumerate() {
            let _ = write!(
                text,
                "{},{i},{},{}",
                g.index,
                number(p.weight),
                number(p.distance)
            );
            for x in &p.theta {
                let _ = write!(text, ",{}", number(*x));
            }
            text.push('\n');
        }
    }
    text
}

fn generations_csv(generations: &[Generation], runs: u64) -> String {
    let mut text = String::from(
        "generation,epsilon,proposals,accepted,acceptance_rate,effective_sample_size,runs_used\n",
    );
    for g in generations {
        let _ = writeln!(
            text,
            "{},{},{},{},{},{},{}",
            g.index,
            if g.epsilon.is_infinite() {
                "inf".to_string()
            } else {
                number(g.epsilon)
            },
            g.proposals,
            g.particles.len(),
            number(g.acceptance_rate()),
            number(g.effective_sample_size()),
            g.simulations * runs
        );
    }
    text
}

fn targets_csv(scenario: &Scenario, last: &Generation) -> String {
    let mut text = String::from("target,observed,sd,median,q05,q95,source\n");
    for (k, t) in scenario.targets.iter().enumerate() {
        let q = |q: f64| number(last.quantile(|p| p.summary[k], q));
        let _ = writeln!(
            text,
            "{},{},{},{},{},{},{}",
            field(&t.name),
            number(t.observed),
            number(t.sd),
            q(0.5),
            q(0.05),
            q(0.95),
            field(&t.source)
        );
    }
    text
}

/// A TOML string literal.
fn quoted(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// posterior.toml: an overlay drawing every calibrated parameter jointly
/// from the last generation's rows of posterior.csv (`[posterior]`, with
/// `{ posterior = "column" }` in the table its path lives in), each with
/// its median and 90% interval as a comment. Event and price-point
/// parameters cannot be overlaid (events append rather than merge), so
/// they are written as comments.
fn posterior_toml(problem: &Problem, last: &Generation) -> String {
    let scenario = problem.scenario;
    let ids = &scenario.actor_ids;
    let mut top = String::new();
    let mut actors: Vec<(usize, Vec<String>)> = Vec::new();
    let mut dyads: Vec<(usize, Vec<String>)> = Vec::new();
    let mut institutions: Vec<(usize, Vec<String>)> = Vec::new();
    let mut skipped = Vec::new();
    fn push(list: &mut Vec<(usize, Vec<String>)>, key: usize, line: String) {
        match list.iter_mut().find(|(k, _)| *k == key) {
            Some((_, lines)) => lines.push(line),
            None => list.push((key, vec![line])),
        }
    }
    for (k, u) in problem.params.iter().enumerate() {
        let q = |q: f64| number(last.quantile(|p| p.theta[k], q));
        let value = format!(
            "{{ posterior = {} }}  # median {}, 90% {} to {}",
            quoted(&u.name),
            q(0.5),
            q(0.05),
            q(0.95)
        );
        let rest = |prefix: &str| u.name.strip_prefix(prefix).unwrap_or(&u.name).to_string();
        match u.path {
            ParamPath::Setting(_) | ParamPath::Weight(_) => {
                let _ = writeln!(top, "{} = {value}", u.name);
            }
            // `gdp`, `identity.<dim>` or `weights.<driver>` in the actor's table.
            ParamPath::Actor(a, _) => {
                let key = rest(&format!("actors.{}.", ids[a]));
                push(&mut actors, a, format!("{key} = {value}"));
            }
            ParamPath::Dyad(p, _) => {
                let (a, b) = pair_of(ids.len(), p);
                debug_assert_eq!(pair_index(ids.len(), a, b), p);
                let key = rest(&format!("dyads.{}-{}.", ids[a], ids[b]));
                push(&mut dyads, p, format!("{key} = {value}"));
            }
            ParamPath::InstitutionDepth(i) => {
                push(&mut institutions, i, format!("depth = {value}"));
            }
            ParamPath::Event(..) | ParamPath::EnergyPrice(_) => {
                skipped.push(format!("# {} = {value}", u.name));
            }
        }
    }
    let mut text = format!(
        "# The posterior of `entente calibrate` for scenario `{}`, as an overlay:\n\
         # a scenario that lists this file in `extends` after its base draws these\n\
         # parameters jointly: each run takes one whole row (particle) of\n\
         # generation {} of posterior.csv, by weight, so the correlations between\n\
         # the parameters are kept. The comments give each parameter's posterior\n\
         # median and 90% interval.\n",
        scenario.name, last.index
    );
    if !skipped.is_empty() {
        text.push_str("# Event and price-point parameters cannot be overlaid (events append):\n");
        for line in &skipped {
            let _ = writeln!(text, "{line}");
        }
    }
    // Top-level keys first: after a table header they would belong to it.
    text.push_str(&top);
    let _ = writeln!(
        text,
        "\n[posterior]\nfile = \"posterior.csv\"\ngeneration = {}",
        last.index
    );
    for (a, lines) in actors {
        let _ = writeln!(text, "\n[[actors]]\nid = {}", quoted(&ids[a]));
        for line in lines {
            let _ = writeln!(text, "{line}");
        }
    }
    for (p, lines) in dyads {
        let (a, b) = pair_of(ids.len(), p);
        let _ = writeln!(
            text,
            "\n[[dyads]]\npair = [{}, {}]",
            quoted(&ids[a]),
            quoted(&ids[b])
        );
        for line in lines {
            let _ = writeln!(text, "{line}");
        }
    }
    for (i, lines) in institutions {
        let _ = writeln!(
            text,
            "\n[[institutions]]\nname = {}",
            quoted(&scenario.institution_names[i])
        );
        for line in lines {
            let _ = writeln!(text, "{line}");
        }
    }
    text
}

/// Prints the size of the calibration and an estimate of its time from a
/// few timed particles at the priors' means.
fn dry_run(
    problem: &Problem,
    args: &CalibrateOptions,
    threads: usize,
    dir: &std::path::Path,
) -> Result<(), Error> {
    let theta: Vec<f64> = problem
        .params
        .iter()
        .map(|u: &Uncertain| u.clamp.apply(u.distribution.mean()))
        .collect();
    let pilots = 3;
    let started = Instant::now();
    for _ in 0..pilots {
        let _ = problem.simulate(&theta);
    }
    let per_particle = started.elapsed().as_secs_f64() / f64::from(pilots);
    let least = args.particles * u64::from(args.generations);
    println!(
        "  at least {} particles x {} runs = {} model runs (more as acceptance falls: \
         generation g > 0 keeps about half of the proposals or fewer)",
        crate::format::thousands(least),
        args.runs,
        crate::format::thousands(least * args.runs)
    );
    println!(
        "  estimated time: at least {} on {threads} threads",
        crate::format::elapsed(per_particle * least as f64 / threads as f64)
    );
    for t in &problem.scenario.targets {
        let what = t.quantity.describe();
        println!(
            "  target {}: {what} = {} (sd {})",
            t.name,
            number(t.observed),
            number(t.sd)
        );
    }
    println!("  results would go to {}", PathBuf::from(dir).display());
    Ok(())
}
