//! Lint and compile findings, reported as `file:line:col: code: message`
//! with the offending line shown.

use std::fmt;

use serde::Serialize;
use utoipa::ToSchema;

/// One finding in a rule file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Diagnostic {
    /// Path inside the rules folder.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// Stable snake_case code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// The offending line of the file.
    pub source_line: String,
}

impl Diagnostic {
    /// A finding at a byte offset of `text`.
    pub fn at(file: &str, text: &str, offset: usize, code: &'static str, message: String) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        let source_line = text[line_start..].lines().next().unwrap_or_default().to_owned();
        Self { file: file.to_owned(), line, col, code, message, source_line }
    }

    /// A finding at a known line and column.
    pub fn at_line(
        file: &str,
        text: &str,
        line: usize,
        col: usize,
        code: &'static str,
        message: String,
    ) -> Self {
        let source_line = text.lines().nth(line.saturating_sub(1)).unwrap_or_default().to_owned();
        Self {
            file: file.to_owned(),
            line: line.max(1),
            col: col.max(1),
            code,
            message,
            source_line,
        }
    }

    /// The text as printed by `credence rules check`.
    pub fn headline(&self) -> String {
        format!("{}:{}:{}: {}: {}", self.file, self.line, self.col, self.code, self.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.headline())?;
        write!(f, "    | {}", self.source_line)
    }
}
