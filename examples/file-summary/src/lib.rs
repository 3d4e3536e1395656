//! The file-summary plugin: describes a text file it may read.
//!
//! The payload is a path: relative paths are under the plugin's data folder
//! (the manifest allows `docs`, i.e. `<data folder>/docs/…`). The plugin
//! reads the file (FileSystemRead) and answers its size, line and word
//! counts and its first line. The host enforces the rest: a path outside
//! `allowed_file_paths` (with `..`, absolute, or through a symbolic link that
//! leads out) or a file over `max_file_size_mb` fails the execution.

use fluent_pdk::host::{self, HostError};
use fluent_pdk::{fluent_plugin, PluginError, Request, Response, Usage};

/// Longest first line quoted in the summary, in characters.
const FIRST_LINE_CHARS: usize = 80;

fn summarize(path: &str, bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines = text.lines().count();
    let words = text.split_whitespace().count();
    let first: String = text.lines().next().unwrap_or("").chars().take(FIRST_LINE_CHARS).collect();
    format!("{}: {} bytes, {} lines, {} words; first line: {}", path, bytes.len(), lines, words, first)
}

fn describe(request: &Request, read: impl Fn(&str) -> Result<Vec<u8>, HostError>) -> Result<Response, PluginError> {
    let path = request.payload.trim();
    if path.is_empty() {
        return Err(PluginError::bad_request("the payload must name a file, e.g. docs/notes.txt"));
    }
    let bytes = read(path).map_err(|e| match e {
        HostError::NotFound => PluginError::new("FILE_NOT_FOUND", format!("{} does not exist", path)),
        other => PluginError::new("FILE_UNREADABLE", format!("cannot read {}: {}", path, other)),
    })?;
    let words = String::from_utf8_lossy(&bytes).split_whitespace().count() as u64;
    Ok(Response::new(summarize(path, &bytes))
        .with_model("file-summary")
        .with_finish_reason("stop")
        .with_usage(Usage::new(words, 0)))
}

fn handle(request: Request) -> Result<Response, PluginError> {
    describe(&request, host::fs_read)
}

fluent_plugin!(handle);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarizes_a_file() {
        let r = describe(&Request::new("docs/a.txt"), |p| {
            assert_eq!(p, "docs/a.txt");
            Ok(b"Title line\nsecond line here\n".to_vec())
        })
        .unwrap();
        assert_eq!(r.content, "docs/a.txt: 28 bytes, 2 lines, 5 words; first line: Title line");
        assert_eq!(r.usage, Usage::new(5, 0));
    }

    #[test]
    fn reports_missing_files_and_empty_payloads() {
        assert_eq!(describe(&Request::new("x"), |_| Err(HostError::NotFound)).unwrap_err().code, "FILE_NOT_FOUND");
        assert_eq!(
            describe(&Request::new("x"), |_| Err(HostError::Failed("is a folder".into()))).unwrap_err().code,
            "FILE_UNREADABLE"
        );
        assert_eq!(describe(&Request::new(" "), |_| Ok(Vec::new())).unwrap_err().code, "BAD_REQUEST");
    }
}
