//! One writer per result folder: an advisory lock on `<folder>/.entente.lock`.
//!
//! A command that writes a folder holds its lock exclusively for as long
//! as it writes; a command that only reads a folder holds it shared. The
//! lock is the operating system's (`flock`, through `File::lock`), so it
//! dies with its process: `kill -9` may leave the file behind, never the
//! lock. The holder of an exclusive lock writes who it is into the file
//! ([`Holder`]), so that a refused command can name it.
//!
//! The file is removed by the last holder to let go, so that a finished
//! folder holds exactly the files it held before locks existed. Removing a
//! file another process is waiting on is safe because every process, once
//! it holds the lock, checks that the path still names the file it locked,
//! and starts over if not.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::OutputError;

/// The lock file's name inside the folder it locks.
pub const LOCK_FILE: &str = ".entente.lock";

/// How often, and how far apart, a refused command reads the holder's name.
const HOLDER_READS: u32 = 20;
const HOLDER_PAUSE: Duration = Duration::from_millis(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One writer, and no reader, at a time.
    Exclusive,
    /// Any number of readers, and no writer.
    Shared,
}

/// Who holds a folder's exclusive lock, as written into the lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub pid: u32,
    /// The host's name: on a shared file system the process may run elsewhere.
    #[serde(default)]
    pub host: String,
    pub command: String,
}

impl Holder {
    fn current() -> Holder {
        Holder {
            pid: std::process::id(),
            host: fs::read_to_string("/proc/sys/kernel/hostname")
                .map(|name| name.trim().to_string())
                .unwrap_or_default(),
            command: std::env::args().collect::<Vec<_>>().join(" "),
        }
    }
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "process {}", self.pid)?;
        if !self.host.is_empty() {
            write!(f, " on {}", self.host)?;
        }
        write!(f, ": `{}`", self.command)
    }
}

/// A held lock on a folder; dropping it lets go.
#[derive(Debug)]
pub struct FolderLock {
    /// `None` for a reader that may not create the lock file (a folder it
    /// cannot write to), which then reads without a lock.
    file: Option<File>,
    path: PathBuf,
    dir: PathBuf,
    /// The outermost folder created to hold the lock file, if any: removed
    /// on release, with the folders below it, if nothing was written there.
    created: Option<PathBuf>,
}

impl FolderLock {
    /// Locks `dir` in `mode`; if another process holds a conflicting lock,
    /// waits for it when `wait`, or else refuses with [`OutputError::Busy`].
    /// A missing folder is created to be written, but not to be read: a
    /// reader of a missing folder holds no lock, and finds it missing.
    pub fn acquire(dir: &Path, mode: Mode, wait: bool) -> Result<FolderLock, OutputError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Io { path, source }
        };
        let created = dir
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .last()
            .map(Path::to_path_buf);
        let path = dir.join(LOCK_FILE);
        let mut lock = FolderLock {
            file: None,
            path: path.clone(),
            dir: dir.to_path_buf(),
            created,
        };
        if mode == Mode::Shared && !dir.is_dir() {
            return Ok(lock);
        }
        loop {
            fs::create_dir_all(dir).map_err(io(dir))?;
            let opened = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path);
            let mut file = match opened {
                Ok(file) => file,
                // The last holder removed the folder it had created.
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) if mode == Mode::Shared && read_only(&e) => return Ok(lock),
                Err(source) => return Err(OutputError::Io { path, source }),
            };
            match take(&file, mode, wait) {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(OutputError::Busy {
                        dir: dir.to_path_buf(),
                        holder: read_holder(&mut file),
                    })
                }
                Err(TryLockError::Error(source)) => return Err(OutputError::Io { path, source }),
            }
            if !names(&path, &file) {
                // Released and removed while this process waited: start over.
                continue;
            }
            // Under a shared lock no writer is alive: what the file says is stale.
            let holder = match mode {
                Mode::Exclusive => serde_json::to_string(&Holder::current())
                    .expect("a holder serialises")
                    .into_bytes(),
                Mode::Shared => Vec::new(),
            };
            file.set_len(0)
                .and_then(|()| file.write_all(&holder))
                .map_err(io(&path))?;
            lock.file = Some(file);
            return Ok(lock);
        }
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            // Only a holder that can hold the lock alone may remove the file:
            // a reader that cannot leaves it to the last reader.
            if file.try_lock().is_ok() {
                let _ = fs::remove_file(&self.path);
            }
        }
        let Some(created) = &self.created else {
            return;
        };
        for folder in self.dir.ancestors() {
            if fs::remove_dir(folder).is_err() || folder == created {
                break;
            }
        }
    }
}

fn take(file: &File, mode: Mode, wait: bool) -> Result<(), TryLockError> {
    match (mode, wait) {
        (Mode::Exclusive, false) => file.try_lock(),
        (Mode::Shared, false) => file.try_lock_shared(),
        (Mode::Exclusive, true) => file.lock().map_err(TryLockError::Error),
        (Mode::Shared, true) => file.lock_shared().map_err(TryLockError::Error),
    }
}

/// Whether creating a file failed because the folder is not ours to write.
fn read_only(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
    )
}

/// Who holds the lock, if a writer: it writes that just after it locks,
/// so a command refused in between gives it a moment (a reader writes
/// nothing, and costs a refused writer this wait).
fn read_holder(file: &mut File) -> Option<Holder> {
    for _ in 0..HOLDER_READS {
        let mut text = String::new();
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_string(&mut text))
            .ok()?;
        if let Ok(holder) = serde_json::from_str(&text) {
            return Some(holder);
        }
        std::thread::sleep(HOLDER_PAUSE);
    }
    None
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn names(path: &Path, file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Whether `path` still names the open `file`: elsewhere an open file
/// cannot be removed, so it always does.
#[cfg(not(unix))]
fn names(_path: &Path, _file: &File) -> bool {
    true
}
