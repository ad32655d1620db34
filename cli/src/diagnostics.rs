//! Diagnostics as rustc shows them (the message, the spec's line under it, the hint as help),
//! with `annotate-snippets`; or as JSON, one object per line, for editors and CI.

use std::path::Path;

use annotate_snippets::{Level, Renderer, Snippet};
use codegen::{Diagnostic, Severity};

/// Source lines longer than this (in characters, less indentation) are named, not shown.
const LONGEST_LINE_SHOWN: usize = 240;

/// How diagnostics are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Text with the source line, in colour when `color` is set.
    Human {
        /// Whether to colour the output (a terminal).
        color: bool,
    },
    /// One JSON object per diagnostic, per line.
    Json,
}

/// `diagnostic` as the format says; its file is read relative to `base` (the folder the
/// root spec was named from) to show the line.
pub fn render(diagnostic: &Diagnostic, base: &Path, format: Format) -> String {
    let color = match format {
        Format::Json => return serde_json::to_string(diagnostic).unwrap_or_default(),
        Format::Human { color } => color,
    };
    let level = match diagnostic.severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
    };
    let path = Path::new(&diagnostic.file);
    let path = if path.is_absolute() { path.to_path_buf() } else { base.join(path) };
    let source = std::fs::read_to_string(&path).ok();
    let line =
        diagnostic.line.zip(source.as_deref()).and_then(|(n, text)| Some((n, text.lines().nth(n.checked_sub(1)?)?)));
    // A minified spec is one long line: it is not shown (the pointer says where), only named.
    let (line, long_line) = match line {
        Some((n, text)) if text.trim().chars().count() > LONGEST_LINE_SHOWN => (None, Some(n)),
        line => (line, None),
    };
    let pointer = if diagnostic.pointer.is_empty() { "#".to_owned() } else { format!("#{}", diagnostic.pointer) };
    let mut message = level.title(&diagnostic.message);
    message = match line {
        Some((n, text)) => {
            // The whole line, less its indentation, is what the pointer names.
            let start = text.len() - text.trim_start().len();
            let span = start..text.len().max(start);
            let annotation = level.span(span).label(&pointer);
            message.snippet(Snippet::source(text).line_start(n).origin(&diagnostic.file).annotation(annotation))
        }
        // No line to show: the place is named in a note.
        None => message,
    };
    let note = match long_line {
        Some(n) => format!("at {}:{n}{pointer} (the line is too long to show)", diagnostic.file),
        None => format!("at {}{pointer}", diagnostic.file),
    };
    if line.is_none() {
        message = message.footer(Level::Note.title(&note));
    }
    if let Some(hint) = &diagnostic.hint {
        message = message.footer(Level::Help.title(hint));
    }
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let rendered = renderer.render(message).to_string();
    rendered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_line_is_shown_under_the_message_with_the_pointer_and_the_hint() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("openapi.yaml"), "openapi: 3.1.0\npaths:\n  /pets:\n    get: 12\n").unwrap();
        let d = Diagnostic::error("openapi.yaml", "/paths/~1pets/get", "an operation must be an object")
            .with_line(Some(4))
            .with_hint("write the operation as a map");
        let text = render(&d, dir.path(), Format::Human { color: false });
        assert!(text.starts_with("error: an operation must be an object"), "{text}");
        assert!(text.contains("--> openapi.yaml:4"), "{text}");
        assert!(text.contains("4 |     get: 12"), "{text}");
        assert!(text.contains("^^^^^^^ #/paths/~1pets/get"), "{text}");
        assert!(text.contains("help: write the operation as a map"), "{text}");
        let json: serde_json::Value = serde_json::from_str(&render(&d, dir.path(), Format::Json)).unwrap();
        assert_eq!((json["line"].as_u64(), json["pointer"].as_str()), (Some(4), Some("/paths/~1pets/get")));
    }

    #[test]
    fn a_minified_specs_line_is_named_not_shown() {
        let dir = tempfile::tempdir().unwrap();
        let description = "x".repeat(100_000);
        let spec = format!(
            r#"{{"openapi":"3.0.3","info":{{"title":"T","version":"1","description":"{description}"}},"paths":{{}}}}"#
        );
        std::fs::write(dir.path().join("openapi.json"), spec).unwrap();
        let d = Diagnostic::error("openapi.json", "/paths", "no operations").with_line(Some(1));
        let text = render(&d, dir.path(), Format::Human { color: false });
        assert!(text.len() < 500, "{} bytes: {}", text.len(), &text[..500.min(text.len())]);
        assert!(text.contains("note: at openapi.json:1#/paths (the line is too long to show)"), "{text}");
    }

    #[test]
    fn without_a_line_the_place_is_named_in_a_note() {
        let d = Diagnostic::warning("missing.yaml", "/info", "no title");
        let text = render(&d, Path::new("/nonexistent"), Format::Human { color: false });
        assert!(text.contains("warning: no title") && text.contains("note: at missing.yaml#/info"), "{text}");
    }
}
