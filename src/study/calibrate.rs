//! `entente calibrate`: ABC-SMC of a scenario's uncertain parameters
//! against its `[[targets]]`, written to `<out>/<name>-calibration/`:
//!
//! * `checkpoint.json`, rewritten after every generation: the calibration's
//!   identity and its state ([`abc::Run`]), from which the same command
//!   goes on after an interruption, a larger `--generations` extends a
//!   finished calibration, and `calibrate --shard` takes the next round;
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
//! * `calibration.json`, written last: the request, its provenance and the
//!   stopping rule that ended it.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{watch, Error};
use crate::calibrate::abc::{
    self, Ending, Generation, Observed, Prior, Run, Settings, Step, Tally,
};
use crate::calibrate::{choose_params, Problem};
use crate::chart::Size;
use crate::diagnostic::Problem as Message;
use crate::format::csv::{field, number};
use crate::model::params::{pair_index, ParamPath};
use crate::output::files::{differences, Provenance};
use crate::output::lock::{FolderLock, Mode};
use crate::output::{Claim, ResultDir};
use crate::runner::shard::Shard;
use crate::scenario::{self, path::pair_of, Scenario, Uncertain};
use crate::study::options::CalibrateOptions;

/// The file written last, whose presence marks a finished calibration.
pub const MARKER: &str = "calibration.json";
/// The calibration's state, rewritten after every generation (and every
/// merged round of shards).
pub const CHECKPOINT: &str = "checkpoint.json";
/// The value of `format` in checkpoint.json.
const CHECKPOINT_FORMAT: &str = "entente-calibration-checkpoint-v1";
/// Generations at most when only --until-epsilon is given.
pub const UNTIL_EPSILON_GENERATIONS: u32 = 20;
/// Generations when neither --generations nor --until-epsilon is given.
pub const DEFAULT_GENERATIONS: u32 = 5;

/// A calibration as requested: what `calibrate --shard` records in its
/// shard folder, so that `merge` can go on with the same calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The scenario file as given.
    pub file: PathBuf,
    pub particles: u64,
    pub runs: u64,
    /// The master seed (the scenario's when not given).
    pub seed: u64,
    /// The `--param`s given (none: every uncertain parameter but choices).
    pub params: Vec<String>,
    /// The stopping rule: at most this many generations ...
    pub generations: u32,
    /// ... or until a generation's epsilon is at most this.
    pub until_epsilon: Option<f64>,
    /// The calibration's folder.
    pub dir: PathBuf,
}

/// A calibration ready to run: the scenario as a simulator, the settings
/// of ABC-SMC, and the identity a checkpoint must share to be continued.
pub struct Calibration<'s> {
    pub request: Request,
    pub threads: usize,
    pub problem: Problem<'s>,
    pub settings: Settings,
    priors: Vec<Prior>,
    observed: Vec<Observed>,
    /// The parameters left drawn per run (choices).
    pub left: Vec<Uncertain>,
    /// What the calibration computes, but for the stopping rule: the same
    /// identity gives the same generations, however many are run.
    pub identity: serde_json::Value,
}

/// The flags checked and resolved (but the seed, which needs the scenario).
fn checked_flags(args: &CalibrateOptions) -> Result<(u32, Option<f64>), Error> {
    let generations = args.generations.unwrap_or(if args.until_epsilon.is_some() {
        UNTIL_EPSILON_GENERATIONS
    } else {
        DEFAULT_GENERATIONS
    });
    for (value, flag) in [
        (args.particles, "--particles"),
        (u64::from(generations), "--generations"),
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
    if let Some(e) = args.until_epsilon {
        if !(e.is_finite() && e > 0.0) {
            return Err(Error::Usage(
                Message::new(format!("--until-epsilon {e} must be a positive number")).with_help(
                    "epsilon is a distance in targets' standard deviations (the root mean \
                         square over targets): 1 means the simulated targets are about one sd \
                         off; 0.2 is close",
                ),
            ));
        }
    }
    Ok((generations, args.until_epsilon))
}

impl<'s> Calibration<'s> {
    /// The calibration of `scenario` that `request` asks for; refuses a
    /// scenario without targets or parameters to calibrate.
    pub fn new(
        scenario: &'s Scenario,
        request: Request,
        threads: usize,
    ) -> Result<Calibration<'s>, Error> {
        if scenario.targets.is_empty() {
            return Err(Error::Usage(
                Message::new(format!(
                    "`{}` has no [[targets]] to calibrate against",
                    request.file.display()
                ))
                .with_help(
                    "add e.g. [[targets]] name = \"...\", series = \"trade CHN-RUS\", tick = 4, \
                     observed = 1.2, sd = 0.1, source = \"...\" (see README, Calibration)",
                ),
            ));
        }
        let (params, left) = choose_params(scenario, &request.params)
            .map_err(|r| Error::Usage(Message::new(r.message).with_help(r.help)))?;
        if params.is_empty() {
            return Err(Error::Usage(
                Message::new(format!(
                    "`{}` has no uncertain parameter to calibrate",
                    request.file.display()
                ))
                .with_help(
                    "give the parameters to calibrate a prior distribution, \
                     e.g. `identity = { uniform = [0.0, 2.0] }`",
                ),
            ));
        }
        let problem = Problem {
            scenario,
            params,
            runs: request.runs,
            seed: request.seed,
        };
        let settings = Settings {
            particles: request.particles as usize,
            generations: request.generations,
            until_epsilon: request.until_epsilon,
            alpha: abc::ALPHA,
            seed: request.seed,
            threads,
            max_proposals: request
                .particles
                .saturating_mul(abc::MAX_PROPOSALS_PER_PARTICLE),
        };
        let identity = serde_json::json!({
            "scenario": scenario.name,
            "scenario_hash": scenario.hash(),
            "seed": request.seed,
            "runs": request.runs,
            "particles": request.particles,
            "alpha": abc::ALPHA,
            "params": problem.params.iter().map(|u| serde_json::json!({
                "path": u.name,
                "prior": u.distribution.describe(),
                "low": u.low,
                "high": u.high,
            })).collect::<Vec<_>>(),
            "targets": scenario.targets.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
            "tool_version": crate::VERSION,
        });
        Ok(Calibration {
            request,
            threads,
            priors: problem.priors(),
            observed: problem.observed(),
            problem,
            settings,
            left,
            identity,
        })
    }

    /// The identity's hash: a folder of another calibration is not
    /// overwritten without --force.
    pub fn provenance(&self) -> Provenance {
        let hash = scenario::hex(&Sha256::digest(self.identity.to_string().as_bytes()));
        Provenance::current(hash, self.request.seed, self.request.runs)
    }

    /// The state to go on from: the folder's checkpoint if it is this
    /// calibration's, else a fresh start. A checkpoint of another
    /// calibration (or a damaged one) is refused unless `force`, which
    /// starts over; so is, without a checkpoint, a folder holding other
    /// results. Returns the checkpoint's text too (shards record its hash).
    fn resume_from(&self, force: bool) -> Result<(Run, Option<String>), Error> {
        let path = self.request.dir.join(CHECKPOINT);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Run::default(), None))
            }
            Err(source) => return Err(crate::output::OutputError::Io { path, source }.into()),
        };
        let refuse = |reason: String| {
            Error::Usage(
                Message::new(format!("`{}` {reason}", path.display())).with_help(format!(
                    "run the command that started it to go on with it; pass --force to start \
                     over (the folder's calibration is replaced), or --out to write elsewhere{}",
                    if self.request.params.is_empty() {
                        ""
                    } else {
                        " (--param must be given as before, in the same order)"
                    }
                )),
            )
        };
        let checkpoint = match serde_json::from_str::<Checkpoint>(&text) {
            Ok(c) if c.format == CHECKPOINT_FORMAT => c,
            _ if force => return Ok((Run::default(), None)),
            Ok(c) => {
                return Err(refuse(format!(
                    "has format `{}`, not `{CHECKPOINT_FORMAT}`",
                    c.format
                )))
            }
            Err(e) => return Err(refuse(format!("is damaged ({e})"))),
        };
        if checkpoint.calibration != self.identity {
            if force {
                return Ok((Run::default(), None));
            }
            return Err(refuse(format!(
                "is the checkpoint of a different calibration ({})",
                differences(
                    &checkpoint.calibration.to_string(),
                    &self.identity.to_string(),
                    ["then", "now"]
                )
            )));
        }
        Ok((checkpoint.run, Some(text)))
    }

    /// Writes the checkpoint of `run` into the calibration's folder; returns its path.
    pub fn save(&self, out: &ResultDir, run: &Run) -> Result<PathBuf, Error> {
        let mut text = serde_json::to_string(&CheckpointRef {
            format: CHECKPOINT_FORMAT,
            calibration: &self.identity,
            run,
        })
        .expect("a checkpoint serialises");
        text.push('\n');
        Ok(out.write(CHECKPOINT, text.as_bytes())?)
    }

    /// The calibration's folder, locked, with the state to go on from.
    pub fn open(&self, claim: Claim) -> Result<(ResultDir, Run, Option<String>), Error> {
        let out = ResultDir::create_marked(&self.request.dir, MARKER, claim.wait)?;
        let (run, checkpoint) = self.resume_from(claim.force)?;
        if checkpoint.is_none() {
            out.check_claim(&self.provenance(), claim)?;
        }
        Ok((out, run, checkpoint))
    }

    /// The generation after `generations`.
    pub fn step<'a>(&'a self, generations: &'a [Generation]) -> Step<'a> {
        Step::new(
            &self.priors,
            &self.observed,
            &self.settings,
            generations.last(),
        )
    }

    /// Where the stopping rule ends `run`, if it does: its generations as
    /// the rule ends them, and why.
    pub fn ended<'r>(&self, run: &'r Run) -> Option<(&'r [Generation], Ending)> {
        run.end(&self.settings)
            .map(|(count, ending)| (&run.generations[..count], ending))
    }
}

/// checkpoint.json as read.
#[derive(Deserialize)]
struct Checkpoint {
    format: String,
    calibration: serde_json::Value,
    run: Run,
}

/// checkpoint.json as written.
#[derive(Serialize)]
struct CheckpointRef<'a> {
    format: &'a str,
    calibration: &'a serde_json::Value,
    run: &'a Run,
}

pub fn execute(args: &CalibrateOptions) -> Result<(), Error> {
    let (generations, until_epsilon) = checked_flags(args)?;
    let scenario = scenario::load(&args.file)?;
    let request = Request {
        file: args.file.clone(),
        particles: args.particles,
        runs: args.runs,
        seed: args.common.seed.unwrap_or(scenario.seed),
        params: args.params.clone(),
        generations,
        until_epsilon,
        dir: args
            .common
            .out
            .join(format!("{}-calibration", scenario.name)),
    };
    let calibration = Calibration::new(&scenario, request, args.common.threads())?;
    let quiet = args.common.quiet;
    if !quiet {
        calibration.print_header();
    }
    if args.dry_run {
        return dry_run(&calibration);
    }
    if let Some(shard) = args.shard {
        return run_shard(&calibration, shard, args.common.claim(), quiet);
    }
    let (out, start, _) = calibration.open(args.common.claim())?;
    let settings = &calibration.settings;
    let resumed = start.generations.len().min(settings.generations as usize);
    if !quiet && calibration.ended(&start).is_none() && start.partial != Tally::default() {
        println!(
            "  going on from the checkpoint: generation {} has {} of its particles after {} proposals",
            start.generations.len(),
            start.partial.accepted.len(),
            start.partial.proposals
        );
    } else if !quiet && resumed > 0 {
        println!(
            "  going on from the checkpoint: {} done",
            crate::format::counted(resumed, "generation")
        );
    }
    // A bar over model runs: at least particles x runs per generation
    // left, growing as acceptance falls.
    let runs = calibration.request.runs;
    let planned = settings.particles as u64 * u64::from(settings.generations) * runs;
    let bar = watch::current().bar(planned, &scenario.name, quiet, true);
    let already: u64 =
        start.generations.iter().map(|g| g.simulations).sum::<u64>() + start.partial.simulations;
    let resumed_runs = resumed as u64 * settings.particles as u64 * runs;
    bar.resume_at(resumed_runs);
    let shown = AtomicU64::new(0);
    let total = AtomicU64::new(planned);
    let progress = |step: &Step, tally: &Tally, before: u64| {
        let done = (before + tally.simulations).saturating_sub(already) * runs;
        let was = total.fetch_max(resumed_runs + done, Ordering::Relaxed);
        if resumed_runs + done > was {
            bar.grow(resumed_runs + done - was);
        }
        let was = shown.fetch_max(done, Ordering::Relaxed);
        if done > was {
            bar.inc(done - was);
        }
        bar.set_message(calibration.describe_progress(step, tally));
    };
    let started = Instant::now();
    let simulate = calibration.problem.simulator();
    let run = abc::resume(
        &calibration.priors,
        &calibration.observed,
        settings,
        start,
        &simulate,
        &progress,
        watch::current().stop(),
        &mut |run| calibration.save(&out, run).map(|_| ()),
    );
    bar.finish_and_clear();
    let run = match run {
        Ok(run) => run,
        Err(abc::Stop::Saving(error)) => return Err(error),
        Err(abc::Stop::Cancelled) => {
            let checkpoint = out.path(CHECKPOINT);
            return Err(Error::Interrupted(if checkpoint.exists() {
                format!(
                    "calibration stopped; the generations finished are kept in `{}`: run the \
                     same command again to go on from there",
                    checkpoint.display()
                )
            } else {
                "calibration stopped before its first generation finished; nothing was written"
                    .to_string()
            }));
        }
    };
    calibration.finish(
        &out,
        &run,
        started.elapsed().as_secs_f64(),
        args.charts.size,
        quiet,
    )
}

impl Calibration<'_> {
    fn print_header(&self) {
        let scenario = self.problem.scenario;
        let names: Vec<&str> = self
            .problem
            .params
            .iter()
            .map(|u| u.name.as_str())
            .collect();
        println!(
            "{}: ABC-SMC of {} ({}) against {}, {} particles x {}, {} runs each",
            scenario.name,
            crate::format::counted(names.len(), "parameter"),
            names.join(", "),
            crate::format::counted(scenario.targets.len(), "target"),
            self.request.particles,
            self.describe_rule(),
            self.request.runs
        );
        if !self.left.is_empty() {
            let left: Vec<&str> = self.left.iter().map(|u| u.name.as_str()).collect();
            println!("  still drawn per run, not calibrated: {}", left.join(", "));
        }
    }

    /// `5 generations`, or `generations until epsilon <= 0.2 (at most 20)`.
    fn describe_rule(&self) -> String {
        match self.request.until_epsilon {
            Some(e) => format!(
                "generations until epsilon <= {} (at most {})",
                number(e),
                self.request.generations
            ),
            None => crate::format::counted(self.request.generations as usize, "generation"),
        }
    }

    /// The progress bar's message: the generation (numbered from 0, as in
    /// generations.csv), its epsilon, its particles accepted so far and
    /// the acceptance rate.
    fn describe_progress(&self, step: &Step, tally: &Tally) -> String {
        format!(
            "generation {} ({} of at most {}; epsilon {}): {}/{} particles, acceptance {}",
            step.index,
            step.index + 1,
            self.request.generations,
            epsilon_text(step.epsilon),
            tally.accepted.len(),
            self.request.particles,
            crate::format::percent(tally.accepted.len() as f64 / tally.proposals.max(1) as f64)
        )
    }

    /// Writes the results of `run`, which the stopping rule has ended, and
    /// prints what ended it and the posterior.
    pub fn finish(
        &self,
        out: &ResultDir,
        run: &Run,
        seconds: f64,
        size: Size,
        quiet: bool,
    ) -> Result<(), Error> {
        let (generations, ending) = self
            .ended(run)
            .expect("a calibration run to its end, or a merge that checked it");
        let problem = &self.problem;
        let scenario = problem.scenario;
        let runs = self.request.runs;
        let Some(last) = generations.last() else {
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
                posterior_csv(problem, generations).as_bytes(),
            )?,
            out.write(
                "generations.csv",
                generations_csv(generations, runs).as_bytes(),
            )?,
            out.write("targets.csv", targets_csv(scenario, last).as_bytes())?,
            out.write("posterior.toml", posterior_toml(problem, last).as_bytes())?,
        ];
        let capped = match ending {
            Ending::Capped(g) => Some(g),
            _ => None,
        };
        let drawn = super::calibrate_briefing::write(out, self, generations, capped, size)?;
        let provenance = self.provenance();
        let mut record = self.identity.clone();
        record["scenario_hash"] = provenance.scenario_hash.clone().into();
        record["generations"] = self.request.generations.into();
        record["until_epsilon"] = self.request.until_epsilon.into();
        record["generations_done"] = generations.len().into();
        record["stopped_by"] = match ending {
            Ending::Generations => "generations",
            Ending::Epsilon => "until_epsilon",
            Ending::Capped(_) => "proposal_cap",
        }
        .into();
        record["stopped_at_generation"] = match ending {
            Ending::Capped(g) => g.into(),
            _ => serde_json::Value::Null,
        };
        record["seconds"] = seconds.into();
        let mut marker = serde_json::to_string_pretty(&record).expect("a Value serialises");
        marker.push('\n');
        let marker_path = out.write(MARKER, marker.as_bytes())?;

        if quiet {
            return Ok(());
        }
        let epsilon = |g: &Generation| {
            if g.epsilon.is_infinite() {
                "infinite (generation 0 only)".to_string()
            } else {
                number(g.epsilon)
            }
        };
        match ending {
            Ending::Generations => println!(
                "  stopped after the {} asked for (--generations)",
                crate::format::counted(generations.len(), "generation")
            ),
            Ending::Epsilon => println!(
                "  stopped at generation {}: its epsilon {} reached --until-epsilon {}",
                last.index,
                epsilon(last),
                number(self.request.until_epsilon.unwrap_or(f64::NAN))
            ),
            Ending::Capped(g) => println!(
                "  generation {g} needed more than {} proposals (acceptance below {:.1}%): \
                 stopped there; the posterior is generation {}'s",
                self.settings.max_proposals,
                100.0 / abc::MAX_PROPOSALS_PER_PARTICLE as f64,
                last.index
            ),
        }
        let used: u64 = generations.iter().map(|g| g.simulations).sum::<u64>() * runs;
        println!(
            "  {} generations, {} model runs; final epsilon {}; this command took {} on {} threads",
            generations.len(),
            crate::format::thousands(used),
            epsilon(last),
            crate::format::elapsed(seconds),
            self.threads
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
        Ok(())
    }
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

/// An epsilon as generations.csv and the messages write it: `inf` for
/// generation 0's.
pub fn epsilon_text(epsilon: f64) -> String {
    if epsilon.is_infinite() {
        "inf".to_string()
    } else {
        number(epsilon)
    }
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
            epsilon_text(g.epsilon),
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
fn dry_run(calibration: &Calibration) -> Result<(), Error> {
    let problem = &calibration.problem;
    let request = &calibration.request;
    let threads = calibration.threads;
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
    // Generations the checkpoint already holds are not run again.
    let done = calibration
        .resume_from(false)
        .map_or(0, |(run, _)| run.generations.len() as u64)
        .min(u64::from(request.generations));
    if done > 0 {
        println!(
            "  the checkpoint in `{}` holds {}: they are not run again",
            request.dir.display(),
            crate::format::counted(done as usize, "generation")
        );
    }
    let size = |generations: u64| {
        let least = request.particles * generations;
        format!(
            "at least {} particles x {} runs = {} model runs; estimated time: at least {} \
             on {threads} threads",
            crate::format::thousands(least),
            request.runs,
            crate::format::thousands(least * request.runs),
            crate::format::elapsed(per_particle * least as f64 / threads as f64)
        )
    };
    let left = u64::from(request.generations) - done;
    match request.until_epsilon {
        // How many generations epsilon takes to fall that far is what the
        // calibration finds out: the estimate spans one to the cap.
        Some(e) if left > 1 => {
            println!(
                "  until epsilon <= {}: at least one more generation: {}",
                number(e),
                size(1)
            );
            println!(
                "  up to --generations {}: {}",
                request.generations,
                size(left)
            );
        }
        _ => println!("  {}", size(left)),
    }
    println!(
        "  (more runs as acceptance falls: generation g > 0 keeps about half of the \
         proposals or fewer)"
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
    println!("  results would go to {}", request.dir.display());
    Ok(())
}

/// A calibration shard folder's only file, written whole: what it
/// continues and its proposals (its presence marks the folder complete).
pub const SHARD_FILE: &str = "calibration-shard.json";
/// The value of `format` in calibration-shard.json.
pub const SHARD_FORMAT: &str = "entente-calibration-shard-v1";

/// calibration-shard.json: shard K of N of a round of proposals, the
/// proposals `first..end` of the round's `round_first..round_end`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardRound {
    pub format: String,
    pub scenario: String,
    /// The calibration's identity hash (under this name, so that a shard
    /// folder of the same calibration is rewritten without --force).
    pub scenario_hash: String,
    pub seed: u64,
    pub runs: u64,
    pub tool_version: String,
    pub request: Request,
    /// The SHA-256 of the checkpoint the round goes on from (empty: none).
    pub checkpoint_sha256: String,
    pub generation: u32,
    pub round_first: u64,
    pub round_end: u64,
    pub shard: u64,
    pub shards: u64,
    pub first: u64,
    pub end: u64,
    pub seconds: f64,
    pub proposals: Vec<abc::Proposal>,
}

/// The folder of shard `shard` of the calibration in `dir`:
/// `<dir>.shard-K-of-N`, beside it.
fn shard_folder(dir: &Path, shard: Shard) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}", shard.label()));
    dir.with_file_name(name)
}

/// `calibrate --shard K/N`: evaluates shard K of N of the next round of
/// proposals of the calibration's checkpoint (the first round of
/// generation 0 if there is none) into its shard folder.
fn run_shard(
    calibration: &Calibration,
    shard: Shard,
    claim: Claim,
    quiet: bool,
) -> Result<(), Error> {
    let dir = &calibration.request.dir;
    let (run, checkpoint) = {
        // Shared: a merge writing the checkpoint is waited for or refused.
        let _reading = if dir.is_dir() {
            Some(FolderLock::acquire(dir, Mode::Shared, claim.wait)?)
        } else {
            None
        };
        calibration.resume_from(false)?
    };
    if let Some((generations, ending)) = calibration.ended(&run) {
        if !quiet {
            println!(
                "  the calibration in `{}` is complete ({} generations, stopped by {}): \
                 there is nothing left for shard {shard} to do",
                dir.display(),
                generations.len(),
                match ending {
                    Ending::Generations => "--generations",
                    Ending::Epsilon => "--until-epsilon",
                    Ending::Capped(_) => "the proposal cap",
                }
            );
        }
        return Ok(());
    }
    let step = calibration.step(&run.generations);
    let round = step.round(&run.partial);
    let (a, b) = shard.range(round.end - round.start);
    let mine = round.start + a..round.start + b;
    let folder = shard_folder(dir, shard);
    let provenance = calibration.provenance();
    let out = ResultDir::prepare_marked(&folder, SHARD_FILE, &provenance, claim)?;
    if !quiet {
        println!(
            "  shard {shard}: generation {}, proposals {} to {} of this round's {} to {}",
            step.index, mine.start, mine.end, round.start, round.end
        );
    }
    let runs = calibration.request.runs;
    let bar = watch::current().bar(
        (mine.end - mine.start) * runs,
        &calibration.problem.scenario.name,
        quiet,
        true,
    );
    let started = Instant::now();
    let pool = abc::pool(calibration.threads);
    let simulate = calibration.problem.simulator();
    let batch = 4 * pool.current_num_threads() as u64;
    let mut proposals = Vec::new();
    let mut next = mine.start;
    while next < mine.end {
        if watch::stopped() {
            bar.finish_and_clear();
            return Err(Error::Interrupted(format!(
                "shard {shard} stopped; nothing was written: run it again"
            )));
        }
        let end = (next + batch).min(mine.end);
        proposals.extend(step.evaluate(next..end, &simulate, &pool));
        bar.inc((end - next) * runs);
        next = end;
    }
    bar.finish_and_clear();
    let description = ShardRound {
        format: SHARD_FORMAT.into(),
        scenario: calibration.problem.scenario.name.clone(),
        scenario_hash: provenance.scenario_hash,
        seed: calibration.request.seed,
        runs,
        tool_version: crate::VERSION.into(),
        request: calibration.request.clone(),
        checkpoint_sha256: checkpoint.map_or_else(String::new, |text| {
            scenario::hex(&Sha256::digest(text.as_bytes()))
        }),
        generation: step.index,
        round_first: round.start,
        round_end: round.end,
        shard: shard.index,
        shards: shard.count,
        first: mine.start,
        end: mine.end,
        seconds: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        proposals,
    };
    let mut text = serde_json::to_string(&description).expect("a shard serialises");
    text.push('\n');
    let path = out.write(SHARD_FILE, text.as_bytes())?;
    if !quiet {
        println!("  wrote {}", path.display());
        println!(
            "  when the {} shards are done: entente merge {}.shard-*-of-{}",
            shard.count,
            dir.display(),
            shard.count
        );
    }
    Ok(())
}
