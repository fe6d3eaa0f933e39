//! The one-time secret modal: a new key's id and secret, and ready-to-paste settings for
//! common tools with warnings where a tool will fail. The secret lives only here and is
//! dropped with the modal; snippets are built on demand, never stored. Its keys (copy,
//! next tool, close) are here too.

use super::{KeysModal, top_keys_modal};
use crate::app::{Action, App, Effect, Effects, Level};
use crate::b2::{ApplicationKey, DEFAULT_ENDPOINT, Secret};

/// The tools the modal has settings for, in tab order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tool {
    #[default]
    B2Cli,
    Rclone,
    AwsCli,
    Boto3,
    Mage,
    HomeAssistant,
}

impl Tool {
    pub const ALL: [Tool; 6] = [
        Tool::B2Cli,
        Tool::Rclone,
        Tool::AwsCli,
        Tool::Boto3,
        Tool::Mage,
        Tool::HomeAssistant,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Tool::B2Cli => "b2 CLI",
            Tool::Rclone => "rclone",
            Tool::AwsCli => "AWS CLI",
            Tool::Boto3 => "boto3",
            Tool::Mage => "Mage",
            Tool::HomeAssistant => "Home Assistant",
        }
    }

    /// True for tools that talk to B2's S3-compatible API.
    pub fn is_s3(self) -> bool {
        matches!(self, Tool::AwsCli | Tool::Boto3 | Tool::Mage)
    }

    pub fn cycle(self, forward: bool) -> Self {
        let i = Tool::ALL.iter().position(|t| *t == self).unwrap_or(0);
        let n = Tool::ALL.len();
        Tool::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// The region in a Backblaze S3 endpoint: `https://s3.us-west-004.backblazeb2.com` →
/// `us-west-004`; None for any other host.
pub fn s3_region(url: &str) -> Option<String> {
    let host = url.split("://").nth(1).unwrap_or(url);
    let host = host.split(['/', ':']).next()?;
    let rest = host.strip_prefix("s3.")?;
    let (region, domain) = rest.split_once('.')?;
    (!region.is_empty() && domain == "backblazeb2.com").then(|| region.to_owned())
}

/// The region S3 clients should sign with for `endpoint`. Backblaze names it in the host.
/// Another endpoint (the local B2 answers with its own base URL, e.g.
/// `http://127.0.0.1:8484`) takes any region in a SigV4 signature, so the snippets use
/// `us-east-1`, the S3 clients' own default, which every client accepts.
pub fn signing_region(endpoint: &str) -> String {
    s3_region(endpoint).unwrap_or_else(|| "us-east-1".to_owned())
}

/// The secret modal's state. `Debug` shows no secret ([`Secret`] redacts itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretModal {
    pub key: ApplicationKey,
    pub secret: Secret,
    /// Names of the key's buckets (empty = every bucket).
    pub bucket_names: Vec<String>,
    /// A bucket the key can see, for the examples: its first bucket, or for a key on every
    /// bucket the first one b2tui lists; None = no bucket known.
    pub example_bucket: Option<String>,
    /// `s3ApiUrl` from the authorization.
    pub s3_endpoint: Option<String>,
    /// The URL b2tui authorized at; None or Backblaze's own
    /// ([`DEFAULT_ENDPOINT`]) needs no setting in the b2 CLI and rclone.
    pub authorize_url: Option<String>,
    /// The account id (a key id equal to it is the master key).
    pub account_id: String,
    /// Other keys that can write where this one can (names), from the loaded list.
    pub overlapping: Vec<String>,
    pub tool: Tool,
}

impl SecretModal {
    /// The authorize URL when it is not Backblaze's, which the b2 CLI and rclone must be told.
    fn custom_api(&self) -> Option<&str> {
        let url = self.authorize_url.as_deref()?.trim_end_matches('/');
        (url != DEFAULT_ENDPOINT).then_some(url)
    }

    /// The settings for `tool`, ready to paste. Contains the secret: show or copy it, never
    /// keep it. With an `s3ApiUrl` known every value is exact (no placeholder to fill in).
    pub fn snippet(&self, tool: Tool) -> Secret {
        let id = &self.key.application_key_id;
        let secret = self.secret.expose();
        let name = &self.key.key_name;
        let (endpoint, region) = match self.s3_endpoint.as_deref() {
            Some(url) => (url.trim_end_matches('/').to_owned(), signing_region(url)),
            None => (
                "https://s3.<region>.backblazeb2.com".to_owned(),
                "<region>".to_owned(),
            ),
        };
        let prefix = self.key.prefix().unwrap_or("");
        let text = match tool {
            Tool::B2Cli => {
                let mut text = format!(
                    "export B2_APPLICATION_KEY_ID={id}\nexport B2_APPLICATION_KEY={secret}"
                );
                if let Some(url) = self.custom_api() {
                    // The b2 CLI reads a realm name or an API URL from B2_ENVIRONMENT.
                    text.push_str(&format!("\nexport B2_ENVIRONMENT={url}"));
                }
                text
            }
            Tool::Rclone => {
                let mut text = format!(
                    "# ~/.config/rclone/rclone.conf\n[{name}]\ntype = b2\naccount = {id}\nkey = {secret}"
                );
                if let Some(url) = self.custom_api() {
                    text.push_str(&format!("\nendpoint = {url}"));
                }
                match &self.example_bucket {
                    Some(bucket) => text.push_str(&format!("\n# use as {name}:{bucket}/{prefix}")),
                    None => text.push_str(&format!("\n# list its buckets: rclone lsd {name}:")),
                }
                text
            }
            Tool::AwsCli => format!(
                "# ~/.aws/credentials\n[{name}]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n# ~/.aws/config\n[profile {name}]\nregion = {region}\nendpoint_url = {endpoint}"
            ),
            Tool::Boto3 => format!(
                "import boto3\ns3 = boto3.client(\n    \"s3\",\n    endpoint_url=\"{endpoint}\",\n    region_name=\"{region}\",\n    aws_access_key_id=\"{id}\",\n    aws_secret_access_key=\"{secret}\",\n)"
            ),
            // Quoted: YAML would read a key id of digits alone as a number.
            Tool::Mage => format!(
                "# io_config.yaml\nb2:\n  AWS_ACCESS_KEY_ID: \"{id}\"\n  AWS_SECRET_ACCESS_KEY: \"{secret}\"\n  AWS_REGION: \"{region}\"\n  AWS_ENDPOINT: \"{endpoint}\""
            ),
            Tool::HomeAssistant => {
                let bucket = self
                    .example_bucket
                    .as_deref()
                    .unwrap_or("(none yet: create one and restrict the key to it)");
                format!(
                    "Key ID:          {id}\nApplication key: {secret}\nBucket:          {bucket}\nPrefix:          {prefix}"
                )
            }
        };
        Secret::new(text)
    }

    /// Where `tool` will fail or misbehave with this key.
    pub fn warnings(&self, tool: Tool) -> Vec<String> {
        let mut out = Vec::new();
        let key = &self.key;
        let restricted = !key.bucket_ids().is_empty();
        if tool.is_s3() && key.application_key_id == self.account_id {
            out.push("The master key does not work with the S3-compatible API.".to_owned());
        }
        if tool.is_s3() && restricted && !key.has("listAllBucketNames") {
            out.push(
                "S3 tools list buckets first: without listAllBucketNames this bucket key \
                 fails there."
                    .to_owned(),
            );
        }
        if tool.is_s3() && self.s3_endpoint.is_none() {
            out.push("No S3 endpoint known: fill in the region and endpoint.".to_owned());
        }
        if tool == Tool::HomeAssistant {
            if let Some(url) = self.custom_api() {
                out.push(format!(
                    "Home Assistant talks to Backblaze's own B2 only, not to {url}."
                ));
            }
            if self.bucket_names.len() != 1 {
                out.push(
                    "Home Assistant backs up to one bucket: restrict the key to it.".to_owned(),
                );
            }
            for cap in ["listFiles", "readFiles", "writeFiles", "deleteFiles"] {
                if !key.has(cap) {
                    out.push(format!("Home Assistant needs {cap}."));
                }
            }
        }
        if !self.overlapping.is_empty() && key.has("writeFiles") {
            out.push(format!(
                "Keys {} already write under this prefix: two tools may overwrite each \
                 other's files.",
                self.overlapping.join(", ")
            ));
        }
        out
    }
}

impl App {
    /// An action while the secret dialog is on top.
    pub(super) fn on_key_secret_action(&mut self, action: Action, cmds: &mut Effects) {
        let Some(KeysModal::Secret(s)) = top_keys_modal(&mut self.modals) else {
            return;
        };
        let copy = match action {
            Action::NextTab => {
                s.tool = s.tool.cycle(true);
                None
            }
            Action::PrevTab => {
                s.tool = s.tool.cycle(false);
                None
            }
            Action::CopyKeyId => Some((
                Secret::new(s.key.application_key_id.clone()),
                "Key id copied",
            )),
            Action::CopySecret => Some((s.secret.clone(), "Secret copied")),
            Action::CopySnippet => Some((s.snippet(s.tool), "Settings copied")),
            Action::Close => {
                // Dropping the modal drops the only copy of the secret.
                self.modals.pop();
                None
            }
            _ => None,
        };
        if let Some((text, what)) = copy {
            cmds.push(Effect::Clipboard(text));
            self.notify(Level::Info, format!("{what} to the clipboard"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modal(caps: &[&str], buckets: &[&str]) -> SecretModal {
        SecretModal {
            key: ApplicationKey::new("0041k", "ha", caps, buckets),
            secret: Secret::new("K004SECRETSECRET"),
            bucket_names: buckets.iter().map(|b| (*b).to_owned()).collect(),
            example_bucket: buckets.first().map(|b| (*b).to_owned()),
            s3_endpoint: Some("https://s3.us-west-004.backblazeb2.com".to_owned()),
            authorize_url: Some(DEFAULT_ENDPOINT.to_owned()),
            account_id: "acct".to_owned(),
            overlapping: Vec::new(),
            tool: Tool::B2Cli,
        }
    }

    #[test]
    fn region_comes_from_the_endpoint() {
        assert_eq!(
            s3_region("https://s3.us-west-004.backblazeb2.com").as_deref(),
            Some("us-west-004")
        );
        assert_eq!(s3_region("http://127.0.0.1:9000/s3"), None);
        assert_eq!(s3_region("https://s3.eu-central-003.example.com"), None);
        assert_eq!(signing_region("http://127.0.0.1:8484"), "us-east-1");
        assert_eq!(
            signing_region("https://s3.eu-central-003.backblazeb2.com"),
            "eu-central-003"
        );
    }

    /// A key on every bucket, made on a local B2 that answers with its own base URL.
    fn local(example: Option<&str>) -> SecretModal {
        let mut m = modal(&["listBuckets", "listAllBucketNames", "readFiles"], &[]);
        m.example_bucket = example.map(str::to_owned);
        m.s3_endpoint = Some("http://127.0.0.1:8484".to_owned());
        m.authorize_url = Some("http://127.0.0.1:8484/".to_owned());
        m
    }

    #[test]
    fn settings_are_exact_for_another_endpoint() {
        let m = local(Some("photos"));
        assert_eq!(
            m.snippet(Tool::B2Cli).expose(),
            "export B2_APPLICATION_KEY_ID=0041k\nexport B2_APPLICATION_KEY=K004SECRETSECRET\n\
             export B2_ENVIRONMENT=http://127.0.0.1:8484"
        );
        assert_eq!(
            m.snippet(Tool::Rclone).expose(),
            "# ~/.config/rclone/rclone.conf\n[ha]\ntype = b2\naccount = 0041k\n\
             key = K004SECRETSECRET\nendpoint = http://127.0.0.1:8484\n# use as ha:photos/"
        );
        assert_eq!(
            m.snippet(Tool::AwsCli).expose(),
            "# ~/.aws/credentials\n[ha]\naws_access_key_id = 0041k\n\
             aws_secret_access_key = K004SECRETSECRET\n# ~/.aws/config\n[profile ha]\n\
             region = us-east-1\nendpoint_url = http://127.0.0.1:8484"
        );
        assert!(
            m.snippet(Tool::Mage)
                .expose()
                .ends_with("AWS_REGION: \"us-east-1\"\n  AWS_ENDPOINT: \"http://127.0.0.1:8484\"")
        );
        assert!(m.warnings(Tool::HomeAssistant)[0].contains("127.0.0.1:8484"));
        for example in [Some("photos"), None] {
            let m = local(example);
            for tool in Tool::ALL {
                let text = m.snippet(tool);
                assert!(!text.expose().contains('<'), "{tool:?}: {}", text.expose());
            }
        }
    }

    #[test]
    fn backblaze_needs_no_api_url() {
        let m = modal(&["readFiles"], &["b1"]);
        for tool in [Tool::B2Cli, Tool::Rclone] {
            let text = m.snippet(tool);
            assert!(!text.expose().contains("B2_ENVIRONMENT"), "{tool:?}");
            assert!(!text.expose().contains("endpoint"), "{tool:?}");
        }
        assert!(
            m.snippet(Tool::Rclone)
                .expose()
                .ends_with("# use as ha:b1/")
        );
        let mut unknown = m.clone();
        unknown.s3_endpoint = None;
        assert!(unknown.snippet(Tool::AwsCli).expose().contains("<region>"));
        assert!(
            unknown
                .warnings(Tool::AwsCli)
                .iter()
                .any(|w| w.contains("No S3 endpoint"))
        );
    }

    #[test]
    fn snippets_carry_the_secret_and_debug_does_not() {
        let m = modal(
            &["listFiles", "readFiles", "writeFiles", "deleteFiles"],
            &["b1"],
        );
        for tool in Tool::ALL {
            assert!(
                m.snippet(tool).expose().contains("K004SECRETSECRET"),
                "{tool:?}"
            );
            assert!(!format!("{:?}", m.snippet(tool)).contains("SECRET"));
        }
        assert!(
            m.snippet(Tool::Boto3)
                .expose()
                .contains("region_name=\"us-west-004\"")
        );
        assert!(!format!("{m:?}").contains("K004SECRET"));
    }

    #[test]
    fn warnings_name_what_fails() {
        let m = modal(&["writeFiles"], &["b1"]);
        assert!(m.warnings(Tool::AwsCli)[0].contains("listAllBucketNames"));
        assert!(m.warnings(Tool::B2Cli).is_empty());
        assert_eq!(m.warnings(Tool::HomeAssistant).len(), 3);
        let mut master = modal(&["writeFiles"], &[]);
        master.key.application_key_id = "acct".to_owned();
        assert!(master.warnings(Tool::Boto3)[0].contains("master key"));
        let mut shared = modal(&["writeFiles", "listAllBucketNames"], &["b1"]);
        shared.overlapping = vec!["mage".to_owned()];
        assert!(shared.warnings(Tool::Rclone)[0].contains("mage"));
    }
}
