//! The aws-chunked body encoding (`Content-Encoding: aws-chunked`): `<hex size>[;chunk-
//! signature=<sig>]\r\n<data>\r\n` chunks, a zero-size last chunk, then optional trailing
//! headers (`x-amz-checksum-crc32:...`) and a blank line. Decoding streams: content is
//! handed on as it arrives (at most what one network read buffered is held), and each
//! chunk's signature is checked once its last byte has been read, so a forged chunk
//! fails the upload before anything is committed.

use bytes::{Buf, Bytes, BytesMut};
use futures::{Stream, StreamExt};
use sha2::{Digest, Sha256};

use super::S3Error;
use super::chain::ChunkChain;

/// Longest chunk header or trailer line accepted.
const MAX_LINE: usize = 4096;

enum Step {
    /// Expecting a chunk header line.
    Header,
    /// Inside a chunk's content.
    Data {
        remaining: u64,
        signature: Option<String>,
    },
    /// After a chunk's content: its `\r\n`.
    DataEnd {
        signature: Option<String>,
    },
    /// After the last chunk: trailing header lines up to a blank line (or the end).
    Trailers,
    Done,
}

/// Decodes an aws-chunked body; `chain` checks chunk signatures when the body is signed.
pub struct Decoder<S> {
    inner: S,
    buffer: BytesMut,
    step: Step,
    chain: Option<ChunkChain>,
    chunk_hash: Sha256,
    eof: bool,
    /// Trailing headers read so far, names in lower case.
    pub trailers: Vec<(String, String)>,
}

fn incomplete(message: &str) -> S3Error {
    S3Error::bad_request("IncompleteBody", message)
}

fn malformed(message: &str) -> S3Error {
    S3Error::bad_request(
        "InvalidRequest",
        &format!("malformed aws-chunked body: {message}"),
    )
}

impl<S, E> Decoder<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    pub fn new(inner: S, chain: Option<ChunkChain>) -> Decoder<S> {
        Decoder {
            inner,
            buffer: BytesMut::new(),
            step: Step::Header,
            chain,
            chunk_hash: Sha256::new(),
            eof: false,
            trailers: Vec::new(),
        }
    }

    /// Reads more of the body into the buffer; false at its end.
    async fn fill(&mut self) -> Result<bool, S3Error> {
        if self.eof {
            return Ok(false);
        }
        match self.inner.next().await {
            Some(Ok(bytes)) => {
                self.buffer.extend_from_slice(&bytes);
                Ok(true)
            }
            Some(Err(err)) => Err(incomplete(&format!("upload body failed: {err}"))),
            None => {
                self.eof = true;
                Ok(false)
            }
        }
    }

    /// The next `\r\n`-terminated line (without it); None at the end of the body.
    async fn line(&mut self) -> Result<Option<String>, S3Error> {
        loop {
            if let Some(at) = self.buffer.windows(2).position(|w| w == b"\r\n") {
                let line = self.buffer.split_to(at);
                self.buffer.advance(2);
                return String::from_utf8(line.to_vec())
                    .map(Some)
                    .map_err(|_| malformed("a header line is not UTF-8"));
            }
            if self.buffer.len() > MAX_LINE {
                return Err(malformed("a header line is too long"));
            }
            if !self.fill().await? {
                if self.buffer.is_empty() {
                    return Ok(None);
                }
                // A last line without its line end.
                let line = self.buffer.split().to_vec();
                return String::from_utf8(line)
                    .map(Some)
                    .map_err(|_| malformed("a header line is not UTF-8"));
            }
        }
    }

    /// Checks the signature of the chunk just read (when the body is signed).
    fn end_chunk(&mut self, signature: Option<&str>) -> Result<(), S3Error> {
        let hash = hex::encode(std::mem::take(&mut self.chunk_hash).finalize());
        match (&mut self.chain, signature) {
            (Some(chain), Some(signature)) => chain.chunk(&hash, signature),
            (Some(_), None) => Err(S3Error::signature_mismatch()),
            (None, _) => Ok(()),
        }
    }

    /// The next piece of decoded content; None after the last chunk and its trailers.
    pub async fn next(&mut self) -> Result<Option<Bytes>, S3Error> {
        loop {
            match std::mem::replace(&mut self.step, Step::Done) {
                Step::Done => return Ok(None),
                Step::Header => {
                    let line = self
                        .line()
                        .await?
                        .ok_or_else(|| incomplete("the body ended before its last chunk"))?;
                    let (size, extension) = line.split_once(';').unwrap_or((&line, ""));
                    let size = u64::from_str_radix(size.trim(), 16)
                        .map_err(|_| malformed("a chunk size is not hexadecimal"))?;
                    let signature = extension
                        .split(';')
                        .find_map(|e| e.trim().strip_prefix("chunk-signature="))
                        .map(str::to_string);
                    if size == 0 {
                        self.end_chunk(signature.as_deref())?;
                        self.step = Step::Trailers;
                    } else {
                        self.step = Step::Data {
                            remaining: size,
                            signature,
                        };
                    }
                }
                Step::Data {
                    remaining,
                    signature,
                } => {
                    if self.buffer.is_empty() && !self.fill().await? {
                        return Err(incomplete("the body ended inside a chunk"));
                    }
                    let take = usize::try_from(remaining)
                        .unwrap_or(usize::MAX)
                        .min(self.buffer.len());
                    let piece = self.buffer.split_to(take).freeze();
                    self.chunk_hash.update(&piece);
                    let remaining = remaining - take as u64;
                    self.step = if remaining == 0 {
                        Step::DataEnd { signature }
                    } else {
                        Step::Data {
                            remaining,
                            signature,
                        }
                    };
                    return Ok(Some(piece));
                }
                Step::DataEnd { signature } => {
                    while self.buffer.len() < 2 {
                        if !self.fill().await? {
                            return Err(incomplete("the body ended after a chunk"));
                        }
                    }
                    if &self.buffer[..2] != b"\r\n" {
                        return Err(malformed("a chunk is longer than its size"));
                    }
                    self.buffer.advance(2);
                    self.end_chunk(signature.as_deref())?;
                    self.step = Step::Header;
                }
                Step::Trailers => self.trailers().await?,
            }
        }
    }

    /// Reads the trailing headers; a signed body's trailer signature is checked.
    async fn trailers(&mut self) -> Result<(), S3Error> {
        let mut signed_text = String::new();
        let mut signature = None;
        while let Some(line) = self.line().await? {
            if line.is_empty() {
                break;
            }
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| malformed("a trailing header has no ':'"))?;
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_string());
            if name == "x-amz-trailer-signature" {
                signature = Some(value);
            } else {
                signed_text.push_str(&format!("{name}:{value}\n"));
                self.trailers.push((name, value));
            }
        }
        if let Some(chain) = &mut self.chain
            && !self.trailers.is_empty()
        {
            let signature = signature.ok_or_else(S3Error::signature_mismatch)?;
            chain.trailer(&signed_text, &signature)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    type Decoded = (Vec<u8>, Vec<(String, String)>);

    fn decode(body: &[u8], split: usize) -> Result<Decoded, S3Error> {
        let pieces: Vec<Result<Bytes, std::io::Error>> = body
            .chunks(split)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let mut decoder = Decoder::new(futures::stream::iter(pieces), None);
        let mut out = Vec::new();
        futures::executor::block_on(async {
            while let Some(piece) = decoder.next().await? {
                out.extend_from_slice(&piece);
            }
            Ok::<_, S3Error>(())
        })?;
        Ok((out, decoder.trailers))
    }

    #[test]
    fn unsigned_chunks_and_trailer_in_any_split() {
        let body = b"5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
        for split in [1, 2, 3, 7, 100] {
            let (out, trailers) = decode(body, split).unwrap();
            assert_eq!(out, b"hello world");
            assert_eq!(
                trailers,
                vec![("x-amz-checksum-crc32".into(), "DUoRhQ==".into())]
            );
        }
        assert_eq!(decode(b"5\r\nhel", 4).unwrap_err().code, "IncompleteBody");
        assert_eq!(
            decode(b"5\r\nhello!\r\n0\r\n\r\n", 4).unwrap_err().code,
            "InvalidRequest"
        );
    }
}
