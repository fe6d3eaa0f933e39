//! The one-time secret modal: a new key's id and secret, and ready-to-paste settings for
//! common tools with warnings where a tool will fail. The secret lives only here and is
//! dropped with the modal; snippets are built on demand, never stored. Its keys (copy,
//! next tool, close) are here too.

use super::{KeysModal, top_keys_modal};
use crate::app::{Action, App, Effect, Effects, Level};
use crate::b2::{ApplicationKey, Secret};

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

/// The region in an S3 endpoint: `https://s3.us-west-004.backblazeb2.com` → `us-west-004`.
pub fn s3_region(url: &str) -> Option<String> {
    let host = url.split("://").nth(1).unwrap_or(url);
    let host = host.split(['/', ':']).next()?;
    let rest = host.strip_prefix("s3.")?;
    let region = rest.split('.').next()?;
    (!region.is_empty()).then(|| region.to_owned())
}

/// The secret modal's state. `Debug` shows no secret ([`Secret`] redacts itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretModal {
    pub key: ApplicationKey,
    pub secret: Secret,
    /// Names of the key's buckets (empty = every bucket).
    pub bucket_names: Vec<String>,
    /// `s3ApiUrl` from the authorization.
    pub s3_endpoint: Option<String>,
    /// The account id (a key id equal to it is the master key).
    pub account_id: String,
    /// Other keys that can write where this one can (names), from the loaded list.
    pub overlapping: Vec<String>,
    pub tool: Tool,
}

impl SecretModal {
    /// The settings for `tool`, ready to paste. Contains the secret: show or copy it, never
    /// keep it.
    pub fn snippet(&self, tool: Tool) -> Secret {
        let id = &self.key.application_key_id;
        let secret = self.secret.expose();
        let name = &self.key.key_name;
        let endpoint = self
            .s3_endpoint
            .clone()
            .unwrap_or_else(|| "https://s3.<region>.backblazeb2.com".to_owned());
        let region = self
            .s3_endpoint
            .as_deref()
            .and_then(s3_region)
            .unwrap_or_else(|| "<region>".to_owned());
        let bucket = self
            .bucket_names
            .first()
            .cloned()
            .unwrap_or_else(|| "<bucket>".to_owned());
        let prefix = self.key.prefix().unwrap_or("");
        let text = match tool {
            Tool::B2Cli => {
                format!("export B2_APPLICATION_KEY_ID={id}\nexport B2_APPLICATION_KEY={secret}")
            }
            Tool::Rclone => format!(
                "# ~/.config/rclone/rclone.conf\n[{name}]\ntype = b2\naccount = {id}\nkey = {secret}\n# use as {name}:{bucket}/{prefix}"
            ),
            Tool::AwsCli => format!(
                "# ~/.aws/credentials\n[{name}]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n# ~/.aws/config\n[profile {name}]\nregion = {region}\nendpoint_url = {endpoint}"
            ),
            Tool::Boto3 => format!(
                "import boto3\ns3 = boto3.client(\n    \"s3\",\n    endpoint_url=\"{endpoint}\",\n    region_name=\"{region}\",\n    aws_access_key_id=\"{id}\",\n    aws_secret_access_key=\"{secret}\",\n)"
            ),
            Tool::Mage => format!(
                "# io_config.yaml\nb2:\n  AWS_ACCESS_KEY_ID: {id}\n  AWS_SECRET_ACCESS_KEY: {secret}\n  AWS_REGION: {region}\n  AWS_ENDPOINT: {endpoint}"
            ),
            Tool::HomeAssistant => format!(
                "Key ID:          {id}\nApplication key: {secret}\nBucket:          {bucket}\nPrefix:          {prefix}"
            ),
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
            s3_endpoint: Some("https://s3.us-west-004.backblazeb2.com".to_owned()),
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
