//! Diagnostics: what went wrong in a spec, and where (file, JSON pointer, line).

use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// The spec is usable; something in it was approximated or ignored.
    Warning,
    /// The spec cannot be turned into code until this is fixed.
    Error,
}

/// One finding about a spec, pointing at the place that caused it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The spec file, as a path relative to where the root spec was named.
    pub file: String,
    /// A JSON pointer (RFC 6901) into `file`; empty for the whole document.
    pub pointer: String,
    /// 1-based line of the pointed-at node, when the file could be read.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// What to change, when there is an obvious fix.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `file#pointer`.
    pub fn error(file: impl Into<String>, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, pointer, message)
    }

    /// A warning at `file#pointer`.
    pub fn warning(file: impl Into<String>, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file, pointer, message)
    }

    fn new(
        severity: Severity,
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            file: file.into(),
            pointer: pointer.into(),
            line: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint saying how to fix the problem.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the line, when the caller already knows it.
    #[must_use]
    pub fn with_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{level}: {}", self.message)?;
        write!(f, "  --> {}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, " #{}", self.pointer)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// The errors (and any warnings gathered before them) that stopped generation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
