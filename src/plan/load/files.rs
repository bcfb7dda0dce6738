//! Files a plan refers to besides includes: JSON Schemas for `expect.schema` (read and
//! compiled once per load, shared by every step naming them) and `multipart` files
//! (checked when the plan is loaded, read when the step is sent). Paths are relative to
//! the file the key is written in.

use crate::plan::discover::display;
use crate::plan::model::{Body, BodySchema, Part};
use crate::plan::resolved::At;
use crate::plan::types::{BodyFile, FilePart};
use crate::tls::{CaFile, ClientIdentity};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// JSON Schema files read so far in a load, by canonical path: each is compiled once.
#[derive(Default)]
pub(crate) struct SchemaCache {
    files: HashMap<PathBuf, Result<Arc<BodySchema>, String>>,
}

impl SchemaCache {
    pub fn get(&mut self, path: &Path) -> Result<Arc<BodySchema>, String> {
        let canon = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.files
            .entry(canon)
            .or_insert_with(|| read_schema(path))
            .clone()
    }
}

fn read_schema(path: &Path) -> Result<Arc<BodySchema>, String> {
    let shown = display(path);
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!("cannot read JSON Schema {shown}: {e} (paths are relative to the file this is written in)")
    })?;
    let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let doc: serde_json::Value = if yaml {
        crate::plan::yaml::from_str(&text)
            .map_err(|e| format!("{shown}:{}:{}: {}", e.line, e.column, e.message))?
    } else {
        serde_json::from_str(&text).map_err(|e| {
            let text = e.to_string();
            let why = text.split(" at line ").next().unwrap_or(&text);
            format!("{shown}:{}:{}: not JSON: {why}", e.line(), e.column())
        })?
    };
    let validator = jsonschema::validator_for(&doc).map_err(|e| {
        format!(
            "{shown} is not a valid JSON Schema: {e} (at {})",
            shown_location(&e.schema_path().to_string())
        )
    })?;
    Ok(Arc::new(BodySchema { shown, validator }))
}

fn shown_location(pointer: &str) -> String {
    if pointer.is_empty() {
        "the root".to_string()
    } else {
        format!("`{pointer}`")
    }
}

/// TLS files read so far in a load, by path: each is read and checked once.
#[derive(Default)]
pub(crate) struct TlsCache {
    cas: HashMap<PathBuf, Result<Arc<CaFile>, String>>,
    identities: HashMap<(PathBuf, PathBuf), Result<Arc<ClientIdentity>, String>>,
}

impl TlsCache {
    pub fn ca(&mut self, path: &Path) -> Result<Arc<CaFile>, String> {
        self.cas
            .entry(path.to_path_buf())
            .or_insert_with(|| crate::tls::read_ca(path).map(Arc::new))
            .clone()
    }

    pub fn identity(&mut self, cert: &Path, key: &Path) -> Result<Arc<ClientIdentity>, String> {
        self.identities
            .entry((cert.to_path_buf(), key.to_path_buf()))
            .or_insert_with(|| crate::tls::read_identity(cert, key).map(Arc::new))
            .clone()
    }
}

/// A multipart file part, and why the file cannot be used (to report at `file:`).
pub(crate) fn file_part(f: &FilePart, at: &At) -> (Part, Option<String>) {
    let path = at.src.dir.join(&f.file);
    let error = (!path.is_file()).then(|| {
        format!(
            "multipart file `{}` not found: {} does not exist (paths are relative to the file the step is written in)",
            f.file,
            display(&path)
        )
    });
    let filename = f.filename.clone().unwrap_or_else(|| {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| f.file.clone())
    });
    let content_type = f
        .content_type
        .clone()
        .unwrap_or_else(|| guess_content_type(&path).to_string());
    let part = Part::File {
        path,
        filename,
        content_type,
    };
    (part, error)
}

/// `body: { file: … }`: the path (relative to the file the step is in) and its
/// Content-Type, or why the file cannot be sent.
pub(crate) fn body_file(f: &BodyFile, at: &At) -> (Body, Option<String>) {
    let path = at.src.dir.join(&f.file);
    let error = (!path.is_file()).then(|| {
        format!(
            "body file `{}` not found: {} does not exist (paths are relative to the file the step is written in)",
            f.file,
            display(&path)
        )
    });
    let content_type = f
        .content_type
        .clone()
        .unwrap_or_else(|| guess_content_type(&path).to_string());
    (Body::File { path, content_type }, error)
}

/// The Content-Type of a file part by its extension.
fn guess_content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "xml" => "application/xml",
        "yaml" | "yml" => "application/yaml",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}
