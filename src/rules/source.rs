//! The files of a rule set and the hash of their canonical content.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One rule file: its path inside the folder (with `/`) and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Path relative to the rules folder.
    pub path: String,
    /// Contents, with line endings normalised to `\n`.
    pub text: String,
}

/// All files of a rule set, sorted by path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sources {
    /// The files.
    pub files: Vec<SourceFile>,
}

impl Sources {
    /// Reads every `.toml` and `.rhai` file under `dir`.
    pub fn read_dir(dir: &Path) -> std::io::Result<Self> {
        let mut files = Vec::new();
        walk(dir, dir, &mut files)?;
        Ok(Self::from_files(files))
    }

    /// Sorts and normalises the given files.
    pub fn from_files(mut files: Vec<SourceFile>) -> Self {
        for f in &mut files {
            f.text = f.text.replace("\r\n", "\n");
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Self { files }
    }

    /// SHA-256 over the canonical content: each file's path, a NUL, its
    /// normalised text and a NUL, in path order. Renaming, adding or changing
    /// any file changes the hash; the folder's location does not.
    pub fn hash(&self) -> String {
        let mut hasher = Sha256::new();
        for f in &self.files {
            hasher.update(f.path.as_bytes());
            hasher.update([0]);
            hasher.update(f.text.as_bytes());
            hasher.update([0]);
        }
        hex::encode(hasher.finalize())
    }

    /// The file at `path`.
    pub fn get(&self, path: &str) -> Option<&SourceFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out)?;
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if ext != "toml" && ext != "rhai" {
            continue;
        }
        let relative = path.strip_prefix(root).expect("under root");
        let relative: Vec<_> =
            relative.components().map(|c| c.as_os_str().to_string_lossy()).collect();
        out.push(SourceFile { path: relative.join("/"), text: std::fs::read_to_string(&path)? });
    }
    Ok(())
}
