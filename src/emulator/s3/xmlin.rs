//! Small XML request bodies (DeleteObjects, retention, legal hold, encryption, Object Lock
//! and bucket configurations): read whole under a size bound, checked against the signed
//! SHA-256 and `Content-MD5`, then parsed into a tree of elements. Only what S3 request
//! documents use is understood: elements, text, the five entities and character
//! references, CDATA; attributes, comments and declarations are skipped. Namespace
//! prefixes are dropped from element names.

use axum::body::Body;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::sigv4::Payload;
use super::{S3Error, S3Request};

/// The largest XML body read (a DeleteObjects of 1,000 long keys fits).
pub const MAX_XML_BODY: usize = 2 * 1024 * 1024;

/// One element: its local name, its text (concatenated) and its child elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of child `name`.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }
}

pub fn malformed() -> S3Error {
    S3Error::bad_request(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema.",
    )
}

/// Reads a body of at most [`MAX_XML_BODY`] bytes and checks it against the signed payload
/// hash, `Content-MD5` and an `x-amz-checksum-sha256` / `-sha1` when sent. With
/// `integrity_required` (DeleteObjects), one of `Content-MD5` or an `x-amz-checksum-*`
/// header must be there, as S3 requires; CRC checksums are accepted unverified.
pub async fn read_body(
    body: Body,
    request: &S3Request,
    integrity_required: bool,
) -> Result<Vec<u8>, S3Error> {
    let bytes = axum::body::to_bytes(body, MAX_XML_BODY)
        .await
        .map_err(|_| {
            S3Error::bad_request("MaxMessageLengthExceeded", "Your request was too big.")
        })?;
    if let Payload::Sha256(claimed) = &request.payload
        && *claimed != hex::encode(Sha256::digest(&bytes))
    {
        return Err(S3Error::bad_request(
            "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        ));
    }
    let md5 = request.header("content-md5");
    if let Some(given) = md5 {
        let decoded = STANDARD.decode(given.trim()).ok().filter(|d| d.len() == 16);
        let Some(decoded) = decoded else {
            return Err(S3Error::bad_request(
                "InvalidDigest",
                "The Content-MD5 you specified was invalid.",
            ));
        };
        if decoded.as_slice() != Md5::digest(&bytes).as_slice() {
            return Err(S3Error::bad_request(
                "BadDigest",
                "The Content-MD5 you specified did not match what we received.",
            ));
        }
    }
    let checksums: Vec<(&str, &str)> = request
        .headers
        .iter()
        .filter_map(|(name, value)| {
            let algorithm = name.as_str().strip_prefix("x-amz-checksum-")?;
            Some((algorithm, value.to_str().ok()?))
        })
        .collect();
    for (algorithm, given) in &checksums {
        let computed = match *algorithm {
            "sha256" => STANDARD.encode(Sha256::digest(&bytes)),
            "sha1" => STANDARD.encode(Sha1::digest(&bytes)),
            _ => continue,
        };
        if computed != given.trim() {
            return Err(S3Error::bad_request(
                "BadDigest",
                &format!("The {algorithm} checksum you specified did not match what we received."),
            ));
        }
    }
    if integrity_required && md5.is_none() && checksums.is_empty() {
        return Err(S3Error::bad_request(
            "InvalidRequest",
            "Missing required header for this request: Content-MD5",
        ));
    }
    Ok(bytes.to_vec())
}

/// Parses a document into its root element, or MalformedXML.
pub fn parse(bytes: &[u8]) -> Result<Element, S3Error> {
    let text = std::str::from_utf8(bytes).map_err(|_| malformed())?;
    let mut reader = Reader { text, at: 0 };
    let root = reader.document().ok_or_else(malformed)?;
    Ok(root)
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    /// Skips whitespace, `<?...?>`, `<!--...-->` and `<!DOCTYPE ...>` before the root.
    fn skip_misc(&mut self) -> Option<()> {
        loop {
            let trimmed = self.rest().trim_start();
            self.at = self.text.len() - trimmed.len();
            if trimmed.starts_with("<?") {
                self.at += trimmed.find("?>")? + 2;
            } else if trimmed.starts_with("<!--") {
                self.at += trimmed.find("-->")? + 3;
            } else if trimmed.starts_with("<!") && !trimmed.starts_with("<![CDATA[") {
                self.at += trimmed.find('>')? + 1;
            } else {
                return Some(());
            }
        }
    }

    fn document(&mut self) -> Option<Element> {
        self.skip_misc()?;
        let root = self.element()?;
        self.skip_misc()?;
        self.rest().is_empty().then_some(root)
    }

    /// An element starting at `<name`.
    fn element(&mut self) -> Option<Element> {
        let rest = self.rest().strip_prefix('<')?;
        let end = rest.find('>')?;
        let tag = &rest[..end];
        self.at += end + 2;
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let qname = tag.split_whitespace().next()?.to_string();
        let mut element = Element {
            name: local(&qname).to_string(),
            ..Element::default()
        };
        if empty {
            return Some(element);
        }
        loop {
            let rest = self.rest();
            if let Some(after) = rest.strip_prefix("</") {
                let close = after.find('>')?;
                if after[..close].trim() != qname {
                    return None;
                }
                self.at += close + 3;
                return Some(element);
            } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
                let end = after.find("]]>")?;
                element.text.push_str(&after[..end]);
                self.at += 9 + end + 3;
            } else if rest.starts_with("<!--") || rest.starts_with("<?") {
                let close = if rest.starts_with("<!--") {
                    "-->"
                } else {
                    "?>"
                };
                self.at += rest.find(close)? + close.len();
            } else if rest.starts_with('<') {
                element.children.push(self.element()?);
            } else {
                let end = rest.find('<')?;
                element.text.push_str(&unescape(&rest[..end])?);
                self.at += end;
            }
        }
    }
}

fn local(qname: &str) -> &str {
    qname.rsplit_once(':').map_or(qname, |(_, l)| l)
}

/// Replaces entities and character references; None for an unknown or broken one.
fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.find(';')?;
        let entity = &after[..end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()?
                } else {
                    entity.strip_prefix('#')?.parse().ok()?
                };
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::http_errors::assert_each_refused;

    #[test]
    fn parses_a_delete_document() {
        let doc = br#"<?xml version="1.0" encoding="UTF-8"?>
<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a &amp; b&#x41;</Key>
<VersionId>v1</VersionId></Object><Object><Key><![CDATA[<c>]]></Key></Object>
<Quiet>true</Quiet><Empty/></Delete>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "Delete");
        let keys: Vec<_> = root
            .all("Object")
            .filter_map(|o| o.text_of("Key"))
            .collect();
        assert_eq!(keys, ["a & bA", "<c>"]);
        assert_eq!(root.text_of("Quiet"), Some("true"));
        assert_eq!(root.text_of("Empty"), Some(""));
        assert_eq!(
            root.all("Object")
                .next()
                .and_then(|o| o.text_of("VersionId")),
            Some("v1")
        );
    }

    #[test]
    fn refuses_broken_documents() {
        assert_each_refused(
            &[
                b"<a><b></a>",
                b"<a>",
                b"<a>&bogus;</a>",
                b"<a></a><b></b>",
                b"",
                b"\xff",
            ],
            |bad| parse(bad).is_err(),
        );
        assert_eq!(parse(b"<x:a xmlns:x='u'>t</x:a>").unwrap().name, "a");
    }
}
