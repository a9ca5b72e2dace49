//! The server's settings, resolved once at start from four places, in this order: a flag
//! (`--base-url`), the environment (`HANDBOOK_BASE_URL`), the file `handbook.toml` (`base_url`),
//! the default. The names follow one rule: flag `--foo-bar`, variable `HANDBOOK_FOO_BAR`, key
//! `foo_bar`, so an operator who knows one knows all three. The command line only collects what
//! was typed (`cli::ServeArgs`, every value optional); `resolve` turns it into `Config`, which is
//! what `handbook serve` and `handbook config` use and nothing else reads the environment for
//! settings. SMTP credentials come from the environment only: a flag would show in `ps`, and a
//! file is easier to leak than a systemd credential or an `EnvironmentFile` of mode 0600.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;

/// The file read when neither `--config` nor `HANDBOOK_CONFIG` names one, if it exists.
pub const DEFAULT_FILE: &str = "handbook.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A key the file should not have, or a value of the wrong type; `message` is toml's, with
    /// the line and a caret.
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{from}: {message}")]
    Value { from: String, message: String },
}

/// Where a value came from, for `handbook config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag(&'static str),
    Env(String),
    File(PathBuf),
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(name) => write!(f, "flag --{name}"),
            Source::Env(name) => write!(f, "environment {name}"),
            Source::File(path) => write!(f, "file {}", path.display()),
            Source::Default => f.write_str("default"),
        }
    }
}

/// How log lines are written to standard error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event
    #[default]
    Human,
    /// One JSON object per line, for a log collector
    Json,
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "human" => Ok(LogFormat::Human),
            "json" => Ok(LogFormat::Json),
            _ => Err("write human or json".into()),
        }
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LogFormat::Human => "human",
            LogFormat::Json => "json",
        })
    }
}

/// An address or a network (`10.0.0.0/8`, `::1`) whose requests may say, in `X-Forwarded-For`,
/// `X-Forwarded-Proto` and `X-Forwarded-Host`, whom and what they forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 peer on a dual-stack socket arrives as ::ffff:a.b.c.d.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Network {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (addr, prefix) = s.split_once('/').unwrap_or((s, ""));
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?} is not an address or a network such as 10.0.0.0/8"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            max
        } else {
            prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length must be 0 to {max}"))?
        };
        Ok(Network { addr, prefix })
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// What `handbook serve` runs with, resolved once.
#[derive(Clone)]
pub struct Config {
    /// The configuration file read, if any.
    pub file: Option<PathBuf>,
    pub handbook: PathBuf,
    pub index: PathBuf,
    pub addr: SocketAddr,
    /// `None`: the address actually bound (`http://ADDR`).
    pub base_url: Option<String>,
    pub watch: bool,
    pub live_reload: bool,
    pub data: PathBuf,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    /// From `HANDBOOK_SMTP_USERNAME` and `HANDBOOK_SMTP_PASSWORD` only.
    pub smtp_credentials: Option<(String, String)>,
    pub alerts_every: Duration,
    /// This instance sends the digests and reminders that are due; see docs/deploy.md for why
    /// only one replica may.
    pub alerts_sender: bool,
    pub trusted_proxies: Vec<Network>,
    pub log_format: LogFormat,
    /// After SIGTERM, how long `/readyz` answers 503 while everything else is still served, so
    /// a load balancer takes the instance out before it stops listening.
    pub drain: Duration,
    /// Where each key's value came from, for `handbook config`.
    pub sources: BTreeMap<&'static str, Source>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// What was typed on the command line for `handbook serve` (and `handbook config`): every
/// value optional, so that a missing flag falls through to the environment and the file.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub config: Option<PathBuf>,
    pub handbook: Option<PathBuf>,
    pub index: Option<PathBuf>,
    pub addr: Option<SocketAddr>,
    pub base_url: Option<String>,
    pub no_watch: bool,
    pub no_live_reload: bool,
    pub data: Option<PathBuf>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub alerts_every: Option<u64>,
    pub alerts_sender: bool,
    pub trusted_proxies: Vec<Network>,
    pub log_format: Option<LogFormat>,
    pub drain_secs: Option<u64>,
}

/// `handbook.toml` as written. Every key is optional; any other key is an error, so that a
/// misspelt `adress` is not silently ignored while the server listens somewhere else.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    handbook: Option<PathBuf>,
    index: Option<PathBuf>,
    addr: Option<String>,
    base_url: Option<String>,
    no_watch: Option<bool>,
    no_live_reload: Option<bool>,
    data: Option<PathBuf>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    alerts_every: Option<u64>,
    alerts_sender: Option<bool>,
    trusted_proxies: Option<Vec<String>>,
    log_format: Option<LogFormat>,
    drain_secs: Option<u64>,
}

/// The keys, in the order `handbook config` prints them.
const KEYS: [&str; 16] = [
    "handbook",
    "index",
    "addr",
    "base_url",
    "no_watch",
    "no_live_reload",
    "data",
    "smtp_url",
    "mail_from",
    "smtp_username",
    "smtp_password",
    "alerts_every",
    "alerts_sender",
    "trusted_proxies",
    "log_format",
    "drain_secs",
];

/// One key's lookups, in order of precedence.
struct Resolver<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    file_path: Option<PathBuf>,
    sources: BTreeMap<&'static str, Source>,
}

impl Resolver<'_> {
    fn env_name(key: &str) -> String {
        format!("HANDBOOK_{}", key.to_ascii_uppercase())
    }

    /// The first of flag, environment (parsed), file, default.
    fn pick<T: FromStr>(
        &mut self,
        key: &'static str,
        flag: Option<T>,
        file: Option<T>,
        default: Option<T>,
    ) -> Result<Option<T>, ConfigError>
    where
        T::Err: fmt::Display,
    {
        let (value, source) = if let Some(v) = flag {
            (Some(v), Source::Flag(flag_name(key)))
        } else if let Some(raw) = (self.env)(&Self::env_name(key)).filter(|v| !v.is_empty()) {
            let name = Self::env_name(key);
            let v = raw.parse::<T>().map_err(|e| ConfigError::Value {
                from: format!("{name}={raw:?}"),
                message: e.to_string(),
            })?;
            (Some(v), Source::Env(name))
        } else if let Some(v) = file {
            let path = self.file_path.clone().unwrap_or_default();
            (Some(v), Source::File(path))
        } else {
            (default, Source::Default)
        };
        if value.is_some() {
            self.sources.insert(key, source);
        }
        Ok(value)
    }

    /// A switch: a flag can only turn it on; the environment says 1/0, true/false, yes/no,
    /// on/off.
    fn switch(
        &mut self,
        key: &'static str,
        flag: bool,
        file: Option<bool>,
    ) -> Result<bool, ConfigError> {
        let value =
            self.pick::<Switch>(key, flag.then_some(Switch(true)), file.map(Switch), None)?;
        Ok(value.is_some_and(|s| s.0))
    }
}

fn flag_name(key: &'static str) -> &'static str {
    match key {
        "base_url" => "base-url",
        "no_watch" => "no-watch",
        "no_live_reload" => "no-live-reload",
        "smtp_url" => "smtp-url",
        "mail_from" => "mail-from",
        "alerts_every" => "alerts-every",
        "alerts_sender" => "alerts-sender",
        "trusted_proxies" => "trusted-proxies",
        "log_format" => "log-format",
        "drain_secs" => "drain-secs",
        other => other,
    }
}

struct Switch(bool);

impl FromStr for Switch {
    type Err = &'static str;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(Switch(true)),
            "0" | "false" | "no" | "off" => Ok(Switch(false)),
            _ => Err("write true or false"),
        }
    }
}

/// A list written `a,b,c` in a flag or the environment, an array in the file.
struct List(Vec<Network>);

impl FromStr for List {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        s.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map(List)
    }
}

/// A string setting taken as it is.
struct Text(String);

impl FromStr for Text {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Text(s.to_string()))
    }
}

/// The configuration file to read: named by `--config` or `HANDBOOK_CONFIG` (then it must
/// exist), or `handbook.toml` in the current folder if there is one.
fn file_to_read(flags: &Flags, env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(path) = &flags.config {
        return Some(path.clone());
    }
    if let Some(path) = env("HANDBOOK_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let default = PathBuf::from(DEFAULT_FILE);
    default.is_file().then_some(default)
}

fn read_file(path: &Path) -> Result<File, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::File {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })
}

/// The configuration of `flags`, with `env` for the environment (`std::env::var` in the
/// program; a map in tests).
pub fn resolve(flags: &Flags, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
    let (file_path, file) = match file_to_read(flags, env) {
        Some(path) => {
            let file = read_file(&path)?;
            (Some(path), file)
        }
        None => (None, File::default()),
    };
    // A path in the file is relative to the file's folder, so that `--config
    // /etc/handbook/handbook.toml` means the same from whatever folder it is started in.
    let base = file_path
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let in_file = |p: Option<PathBuf>| p.map(|p| base.join(p));
    let mut r = Resolver {
        env,
        file_path: file_path.clone(),
        sources: BTreeMap::new(),
    };
    let path = |p: PathBuf| Some(p);
    let handbook = r
        .pick(
            "handbook",
            flags.handbook.clone(),
            in_file(file.handbook),
            path("handbook".into()),
        )?
        .unwrap_or_default();
    let index = r
        .pick(
            "index",
            flags.index.clone(),
            in_file(file.index),
            path("index".into()),
        )?
        .unwrap_or_default();
    let file_addr = match file.addr {
        Some(a) => Some(a.parse::<SocketAddr>().map_err(|e| ConfigError::Value {
            from: format!(
                "addr = {a:?} in {}",
                file_path.clone().unwrap_or_default().display()
            ),
            message: e.to_string(),
        })?),
        None => None,
    };
    let addr = r
        .pick(
            "addr",
            flags.addr,
            file_addr,
            Some(SocketAddr::from(([127, 0, 0, 1], 3000))),
        )?
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000)));
    let text = |v: Option<String>| v.map(Text);
    let base_url = r
        .pick(
            "base_url",
            text(flags.base_url.clone()),
            text(file.base_url),
            None,
        )?
        .map(|t| t.0.trim_end_matches('/').to_string());
    let no_watch = r.switch("no_watch", flags.no_watch, file.no_watch)?;
    let no_live_reload = r.switch("no_live_reload", flags.no_live_reload, file.no_live_reload)?;
    let data = r
        .pick(
            "data",
            flags.data.clone(),
            in_file(file.data),
            path("data".into()),
        )?
        .unwrap_or_default();
    let smtp_url = r
        .pick(
            "smtp_url",
            text(flags.smtp_url.clone()),
            text(file.smtp_url),
            None,
        )?
        .map(|t| t.0);
    let mail_from = r
        .pick(
            "mail_from",
            text(flags.mail_from.clone()),
            text(file.mail_from),
            None,
        )?
        .map(|t| t.0);
    let username = r
        .pick::<Text>("smtp_username", None, None, None)?
        .map(|t| t.0);
    let password = r
        .pick::<Text>("smtp_password", None, None, None)?
        .map(|t| t.0);
    let smtp_credentials = username.zip(password);
    let alerts_every = r
        .pick(
            "alerts_every",
            flags.alerts_every,
            file.alerts_every,
            Some(600),
        )?
        .unwrap_or(600);
    // A day at most: the schedule adds it to an Instant, and a larger value would only mean
    // that alerts were never sent.
    if !(1..=86_400).contains(&alerts_every) {
        return Err(ConfigError::Value {
            from: "--alerts-every (HANDBOOK_ALERTS_EVERY, alerts_every)".into(),
            message: format!("{alerts_every} seconds is out of range: 1 to 86400"),
        });
    }
    let alerts_sender = r.switch("alerts_sender", flags.alerts_sender, file.alerts_sender)?;
    let file_proxies = match file.trusted_proxies {
        Some(list) => Some(List(
            list.iter()
                .map(|p| p.parse())
                .collect::<Result<_, _>>()
                .map_err(|message| ConfigError::Value {
                    from: format!(
                        "trusted_proxies in {}",
                        file_path.clone().unwrap_or_default().display()
                    ),
                    message,
                })?,
        )),
        None => None,
    };
    let flag_proxies =
        (!flags.trusted_proxies.is_empty()).then(|| List(flags.trusted_proxies.clone()));
    let trusted_proxies = r
        .pick("trusted_proxies", flag_proxies, file_proxies, None)?
        .map_or_else(Vec::new, |l| l.0);
    let log_format = r
        .pick(
            "log_format",
            flags.log_format,
            file.log_format,
            Some(LogFormat::Human),
        )?
        .unwrap_or_default();
    let drain = r
        .pick("drain_secs", flags.drain_secs, file.drain_secs, Some(0))?
        .unwrap_or(0);
    Ok(Config {
        file: file_path,
        handbook,
        index,
        addr,
        base_url,
        watch: !no_watch,
        live_reload: !no_live_reload,
        data,
        smtp_url,
        mail_from,
        smtp_credentials,
        alerts_every: Duration::from_secs(alerts_every.max(1)),
        alerts_sender,
        trusted_proxies,
        log_format,
        drain: Duration::from_secs(drain),
        sources: r.sources,
    })
}

/// `resolve` with the process's environment.
pub fn from_process(flags: &Flags) -> Result<Config, ConfigError> {
    resolve(flags, &|name| std::env::var(name).ok())
}

/// A TOML string, quoted and escaped.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

impl Config {
    /// The configuration as `handbook config` prints it: TOML that could be pasted into
    /// `handbook.toml`, each key with where its value came from, secrets masked.
    pub fn describe(&self) -> String {
        let path = |p: &Path| quoted(&p.to_string_lossy());
        let mut out = String::new();
        match &self.file {
            Some(f) => out.push_str(&format!("# configuration file: {}\n", f.display())),
            None => out.push_str(&format!(
                "# no configuration file ({DEFAULT_FILE} is not in this folder)\n"
            )),
        }
        for key in KEYS {
            let value = match key {
                "handbook" => Some(path(&self.handbook)),
                "index" => Some(path(&self.index)),
                "addr" => Some(quoted(&self.addr.to_string())),
                "base_url" => self.base_url.as_deref().map(quoted),
                "no_watch" => Some((!self.watch).to_string()),
                "no_live_reload" => Some((!self.live_reload).to_string()),
                "data" => Some(path(&self.data)),
                "smtp_url" => self.smtp_url.as_deref().map(quoted),
                "mail_from" => self.mail_from.as_deref().map(quoted),
                "smtp_username" => self.smtp_credentials.as_ref().map(|(u, _)| quoted(u)),
                // Only that it is set: the point of `handbook config` is to be pasted into a
                // ticket.
                "smtp_password" => self.smtp_credentials.as_ref().map(|_| quoted("********")),
                "alerts_every" => Some(self.alerts_every.as_secs().to_string()),
                "alerts_sender" => Some(self.alerts_sender.to_string()),
                "trusted_proxies" => Some(format!(
                    "[{}]",
                    self.trusted_proxies
                        .iter()
                        .map(|n| quoted(&n.to_string()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                "log_format" => Some(quoted(&self.log_format.to_string())),
                "drain_secs" => Some(self.drain.as_secs().to_string()),
                _ => None,
            };
            let source = self.sources.get(key).cloned().unwrap_or(Source::Default);
            let env_only = matches!(key, "smtp_username" | "smtp_password");
            match value {
                // The two credentials are environment-only: not keys of the file.
                Some(v) if env_only => out.push_str(&format!("# {key} = {v}  # {source}\n")),
                Some(v) => out.push_str(&format!("{key} = {v}  # {source}\n")),
                None => out.push_str(&format!("# {key} is not set\n")),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn with_file(text: &str) -> (tempfile::TempDir, Flags) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("handbook.toml");
        std::fs::write(&path, text).unwrap();
        let flags = Flags {
            config: Some(path),
            ..Flags::default()
        };
        (dir, flags)
    }

    #[test]
    fn a_flag_beats_the_environment_which_beats_the_file_which_beats_the_default() {
        let (_dir, mut flags) = with_file("addr = \"127.0.0.1:3003\"\nalerts_every = 30\n");
        let all = env(&[("HANDBOOK_ADDR", "127.0.0.1:3002")]);
        flags.addr = Some("127.0.0.1:3001".parse().unwrap());
        assert_eq!(resolve(&flags, &all).unwrap().addr.port(), 3001);
        flags.addr = None;
        let c = resolve(&flags, &all).unwrap();
        assert_eq!(c.addr.port(), 3002);
        assert_eq!(c.sources["addr"], Source::Env("HANDBOOK_ADDR".into()));
        let c = resolve(&flags, &env(&[])).unwrap();
        assert_eq!(c.addr.port(), 3003);
        assert_eq!(c.alerts_every, Duration::from_secs(30));
        flags.config = None;
        let c = resolve(&flags, &env(&[])).unwrap();
        assert_eq!(c.addr.port(), 3000);
        assert_eq!(c.alerts_every, Duration::from_secs(600));
    }

    #[test]
    fn an_unknown_key_names_the_key_and_the_file() {
        let (_dir, flags) = with_file("adress = \"0.0.0.0:80\"\n");
        let err = resolve(&flags, &env(&[])).unwrap_err().to_string();
        assert!(err.contains("adress"), "{err}");
        assert!(err.contains("handbook.toml"), "{err}");
    }

    #[test]
    fn paths_in_the_file_are_relative_to_its_folder() {
        let (dir, flags) = with_file("index = \"idx\"\n");
        let c = resolve(&flags, &env(&[])).unwrap();
        assert_eq!(c.index, dir.path().join("idx"));
    }

    #[test]
    fn a_switch_in_the_environment_reads_true_and_false_and_refuses_anything_else() {
        let flags = Flags::default();
        let c = resolve(&flags, &env(&[("HANDBOOK_NO_WATCH", "true")])).unwrap();
        assert!(!c.watch);
        let c = resolve(&flags, &env(&[("HANDBOOK_NO_WATCH", "0")])).unwrap();
        assert!(c.watch);
        let err = resolve(&flags, &env(&[("HANDBOOK_NO_WATCH", "maybe")])).unwrap_err();
        assert!(err.to_string().contains("HANDBOOK_NO_WATCH"), "{err}");
    }

    #[test]
    fn the_password_is_never_printed() {
        let c = resolve(
            &Flags::default(),
            &env(&[
                ("HANDBOOK_SMTP_USERNAME", "ana"),
                ("HANDBOOK_SMTP_PASSWORD", "hunter2-secret"),
            ]),
        )
        .unwrap();
        let shown = c.describe();
        assert!(!shown.contains("hunter2-secret"), "{shown}");
        assert!(shown.contains("smtp_password = \"********\""), "{shown}");
        assert!(!format!("{c:?}").contains("hunter2-secret"));
    }

    #[test]
    fn trusted_proxies_are_a_comma_list_in_the_environment_and_an_array_in_the_file() {
        let (_dir, flags) = with_file("trusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n");
        let c = resolve(&flags, &env(&[])).unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        assert!(c.trusted_proxies[1].contains("::1".parse().unwrap()));
        let c = resolve(
            &flags,
            &env(&[("HANDBOOK_TRUSTED_PROXIES", "127.0.0.1, 192.0.2.0/24")]),
        )
        .unwrap();
        assert_eq!(
            c.trusted_proxies,
            vec![
                "127.0.0.1/32".parse().unwrap(),
                "192.0.2.0/24".parse().unwrap()
            ]
        );
        let (_dir, flags) = with_file("trusted_proxies = [\"proxy.example\"]\n");
        let err = resolve(&flags, &env(&[])).unwrap_err().to_string();
        assert!(
            err.contains("trusted_proxies") && err.contains("proxy.example"),
            "{err}"
        );
    }

    #[test]
    fn networks_contain_their_addresses_and_no_others() {
        let n: Network = "10.0.0.0/8".parse().unwrap();
        assert!(n.contains("10.1.2.3".parse().unwrap()));
        assert!(!n.contains("11.0.0.1".parse().unwrap()));
        let one: Network = "127.0.0.1".parse().unwrap();
        assert!(one.contains("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!one.contains("127.0.0.2".parse().unwrap()));
        let v6: Network = "fd00::/8".parse().unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<Network>().is_err());
    }
}
