//! `handbook alerts list|delete|send`: the operator's view of the subscriptions, forgetting an
//! address on request, and a round of sending for cron (safe beside a running server: rounds
//! take turns on the data folder's lock).

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use crate::alerts::mail::{MailConfig, Smtp};
use crate::alerts::send::{self, Round, RoundLock};
use crate::alerts::store::Store;
use crate::cli::{AlertsCommand, AlertsSendArgs};
use crate::live::catalog::Catalog;

/// How long `alerts send` waits for the server's round to end before it gives up.
const WAIT_FOR_ROUND: Duration = Duration::from_secs(120);

pub fn run(command: &AlertsCommand) -> anyhow::Result<ExitCode> {
    match command {
        AlertsCommand::List(data) => {
            let config = crate::config::from_process(&data.flags())?;
            let store = Store::open(&config.data)?;
            let subscriptions = store.list()?;
            for s in &subscriptions {
                let when = |t: Option<i64>| {
                    t.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                        .map_or("-".to_string(), |d| {
                            d.format("%Y-%m-%d %H:%M UTC").to_string()
                        })
                };
                let what = match s.remind_days {
                    Some(days) => format!("reminder {days} days before"),
                    None => s.frequency.key().to_string(),
                };
                println!(
                    "{}\t{}\t{}\t{}\tconfirmed {}\tlast checked {}",
                    s.email,
                    if s.search.is_empty() {
                        "(whole handbook)"
                    } else {
                        &s.search
                    },
                    what,
                    s.lang.key(),
                    when(s.confirmed_at),
                    when(s.checked_at),
                );
            }
            let deliveries = store
                .delivery_counts()?
                .iter()
                .map(|(state, n)| format!("{n} {state}"))
                .collect::<Vec<_>>();
            println!(
                "{} subscriptions ({} confirmed); digests: {}",
                subscriptions.len(),
                subscriptions
                    .iter()
                    .filter(|s| s.confirmed_at.is_some())
                    .count(),
                if deliveries.is_empty() {
                    "none".into()
                } else {
                    deliveries.join(", ")
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        AlertsCommand::Delete(args) => {
            let config = crate::config::from_process(&args.data.flags())?;
            let n = Store::open(&config.data)?.delete_address(&args.email)?;
            println!("deleted {n} subscriptions of {}", args.email);
            Ok(if n == 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        AlertsCommand::Send(args) => send_due(args),
    }
}

fn send_due(args: &AlertsSendArgs) -> anyhow::Result<ExitCode> {
    let config = crate::config::from_process(&args.flags())?;
    let mail = MailConfig::resolve(
        config.smtp_url.as_deref(),
        config.mail_from.as_deref(),
        config.smtp_credentials.clone(),
    )?
    .context(
        "no SMTP server: pass --smtp-url smtp://HOST:PORT and --mail-from ADDR (or set HANDBOOK_SMTP_URL and HANDBOOK_MAIL_FROM)",
    )?;
    let outbox = Smtp::new(&mail)?;
    let today = crate::today();
    let (catalog, _) = Catalog::open(&config.handbook, None, today)
        .with_context(|| format!("cannot read the handbook in {}", config.handbook.display()))?;
    let snapshot = catalog.handle().get();
    // The server's public address, from the flag, HANDBOOK_BASE_URL or handbook.toml, and
    // refused rather than defaulted: this machine's address would mail every subscriber links
    // that lead nowhere, and the mails cannot be taken back.
    let base_url = config
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .context(
            "no public address for the links in mails: pass --base-url https://YOUR.SITE (or set HANDBOOK_BASE_URL, or base_url in handbook.toml)",
        )?
        .to_string();
    let lock = RoundLock::take(&config.data, WAIT_FOR_ROUND)?;
    let mut store = Store::open(&config.data)?;
    let report = send::run(
        &lock,
        &mut store,
        &outbox,
        &Round {
            snapshot: &snapshot,
            today,
            now: crate::alerts::now(),
            all_due: args.now,
            base_url: base_url.trim_end_matches('/'),
        },
    )?;
    println!(
        "sent {} (of them {} left over from an interrupted round), nothing new for {}, failed {}",
        report.sent, report.resent, report.nothing_new, report.failed
    );
    Ok(match report.stopped {
        Some(why) => {
            // `why` is the SMTP server's answer without addresses (`mail::redact`).
            eprintln!("stopped early, the rest is sent by the next round: {why}");
            ExitCode::from(1)
        }
        None => ExitCode::SUCCESS,
    })
}
