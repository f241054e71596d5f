//! Reading and writing the file: opening without following the last link and without
//! blocking, type and owner checks on what was opened, the advisory lock for read-modify-write
//! (waited for until a deadline), exclusive temporary files, and the atomic replace.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{LOCK_WAIT, MAX_FILE_SIZE, Store, StoreError, StoreErrorKind};

/// The owner of a file, where the platform has one.
#[cfg(unix)]
fn owner(meta: &fs::Metadata) -> Option<u32> {
    Some(std::os::unix::fs::MetadataExt::uid(meta))
}

#[cfg(not(unix))]
fn owner(_meta: &fs::Metadata) -> Option<u32> {
    None
}

/// The current user: the owner of a file this process has just created (the crate forbids
/// `unsafe`, so it does not call `getuid`). Asked for when a read meets a link or a file that
/// root does not own, and by every writer for its lock file.
fn current_user_by_probe() -> Result<Option<u32>, StoreError> {
    if cfg!(not(unix)) {
        return Ok(None);
    }
    let failed = |e| StoreError::io("learn the current user (from a temporary file) to check", e);
    let probe = std::env::temp_dir().join(temp_name(OsStr::new("mastolite-uid"), "probe"));
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(failed)?;
    let meta = file.metadata();
    let _ = fs::remove_file(&probe);
    Ok(owner(&meta.map_err(failed)?))
}

/// `options` set never to follow a symbolic link at the path's last part (the open fails with
/// `ELOOP` instead) and never to block on a FIFO or a device, nor make a terminal the
/// process's own.
fn not_following(options: &mut fs::OpenOptions) -> &mut fs::OpenOptions {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        options,
        libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY,
    );
    options
}

/// True for the error of an open that met a symbolic link where it may not follow one.
fn is_link_error(e: &io::Error) -> bool {
    #[cfg(unix)]
    return e.raw_os_error() == Some(libc::ELOOP);
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// The file a path leads to through symbolic links (even a dangling one), with the owners of
/// the links met on the way.
struct Resolved {
    target: PathBuf,
    link_owners: Vec<u32>,
}

fn resolve(path: &Path) -> Result<Resolved, StoreError> {
    let mut p = path.to_path_buf();
    let mut link_owners = Vec::new();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                link_owners.extend(owner(&m));
                let target = fs::read_link(&p).map_err(|e| StoreError::io("follow the link", e))?;
                // An absolute target replaces the folder; a relative one is taken from it.
                p = match p.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            _ => {
                return Ok(Resolved {
                    target: p,
                    link_owners,
                });
            }
        }
    }
    Err(StoreError::unsafe_path("too many levels of symbolic links"))
}

/// Refuses links that belong to anyone but `me` or root.
fn check_links(resolved: &Resolved, me: Option<u32>) -> Result<(), StoreError> {
    let Some(me) = me else { return Ok(()) };
    if resolved.link_owners.iter().any(|&o| o != me && o != 0) {
        return Err(StoreError::unsafe_path(
            "it is a symbolic link owned by another user, who could point it anywhere",
        ));
    }
    Ok(())
}

impl Store {
    /// Reads a credentials file, refusing one that group or others can read or change (Unix),
    /// anything but a regular file, and a file or symbolic link that another user (not root)
    /// owns. The file is judged as opened (never following a link the path's checks did not
    /// pass, never blocking on a FIFO), not by its path. Takes no lock, so a read-only file
    /// works.
    ///
    /// ```no_run
    /// let store = mastolite::store::Store::load(mastolite::store::default_path()?)?;
    /// for server in store.servers() {
    ///     println!("{}", server.origin());
    /// }
    /// # Ok::<(), mastolite::store::StoreError>(())
    /// ```
    ///
    /// # Errors
    /// [`StoreErrorKind::NotFound`], [`Io`](StoreErrorKind::Io),
    /// [`TooOpen`](StoreErrorKind::TooOpen) (the message says `chmod 600 <path>`),
    /// [`Unsafe`](StoreErrorKind::Unsafe), [`Corrupt`](StoreErrorKind::Corrupt) (also for a
    /// file over [`MAX_FILE_SIZE`]) or [`UnsupportedVersion`](StoreErrorKind::UnsupportedVersion).
    pub fn load(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let path = path.as_ref();
        read(path, true, None).map_err(|e| e.at(path))
    }

    /// Reads a credentials file without checking its mode and the owners of the file and of
    /// links to it: only for files that are protected otherwise (a secrets mount, a private
    /// container). A file that is not a regular one is still refused.
    ///
    /// # Errors
    /// As [`load`](Self::load), without `TooOpen` and the owner checks.
    ///
    /// ```no_run
    /// let store = mastolite::store::Store::load_ignoring_permissions("/run/secrets/mastolite")?;
    /// # let _ = store;
    /// # Ok::<(), mastolite::store::StoreError>(())
    /// ```
    pub fn load_ignoring_permissions(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let path = path.as_ref();
        read(path, false, None).map_err(|e| e.at(path))
    }

    /// Writes the store, replacing the file: under the lock, as [`update`](Self::update) does,
    /// but without reading the file first. Prefer `update`, which keeps what other programs
    /// stored meanwhile.
    ///
    /// ```no_run
    /// let path = mastolite::store::default_path()?;
    /// mastolite::store::Store::new().save(&path)?;
    /// # Ok::<(), mastolite::store::StoreError>(())
    /// ```
    ///
    /// # Errors
    /// [`StoreErrorKind::Io`] when the folder, the lock, the temporary file or the rename fails
    /// (the temporary file is removed then), [`Unsafe`](StoreErrorKind::Unsafe) for a link,
    /// lock file or file that belongs to another user, [`Locked`](StoreErrorKind::Locked)
    /// after [`LOCK_WAIT`], [`Unstorable`](StoreErrorKind::Unstorable) for what loading would
    /// refuse.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), StoreError> {
        let path = path.as_ref();
        let locked = Locked::take(path, LOCK_WAIT).map_err(|e| e.at(path))?;
        locked.write(self).map_err(|e| e.at(path))
    }

    /// Read-modify-write: takes an exclusive advisory lock on a sibling lock file (waiting
    /// at most [`LOCK_WAIT`] for other writers), reads the file (an empty store when there is
    /// none), applies `change`, and writes the result when `change` succeeds. Two programs
    /// that change different entries at the same time both keep their change. `change` runs
    /// under the lock: a secret it obtains from a server and stores is never lost to another
    /// writer.
    ///
    /// ```no_run
    /// use mastolite::store::{self, Store};
    /// let removed = Store::update(store::default_path()?, |s| {
    ///     Ok::<_, store::StoreError>(s.remove_app_token("https://mastodon.example").is_some())
    /// })?;
    /// # let _ = removed;
    /// # Ok::<(), mastolite::store::StoreError>(())
    /// ```
    ///
    /// # Errors
    /// What `change` returns, or the errors of [`load`](Self::load) (except `NotFound`) and
    /// [`save`](Self::save), converted into `E`. Nothing is written then.
    pub fn update<T, E>(
        path: impl AsRef<Path>,
        change: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        Self::update_waiting(path, LOCK_WAIT, change)
    }

    /// [`update`](Self::update), waiting at most `wait` for the lock instead of
    /// [`LOCK_WAIT`]: a program whose writers hold the lock around a request of up to `t`
    /// seconds (the `mastolite` CLI: `--timeout`) waits a little longer than `t`.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use mastolite::store::{self, Store, StoreErrorKind};
    /// let r = Store::update_waiting(store::default_path()?, Duration::from_secs(2), |s| {
    ///     Ok::<_, store::StoreError>(s.remove_server("https://mastodon.example").is_some())
    /// });
    /// if let Err(e) = &r && e.kind() == StoreErrorKind::Locked {
    ///     eprintln!("{e}"); // "… is locked by another run; try again (waited 2 s)"
    /// }
    /// # Ok::<(), mastolite::store::StoreError>(())
    /// ```
    ///
    /// # Errors
    /// As [`update`](Self::update); [`Locked`](StoreErrorKind::Locked) once `wait` has passed.
    pub fn update_waiting<T, E>(
        path: impl AsRef<Path>,
        wait: Duration,
        change: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let path = path.as_ref();
        let mut txn = Txn::begin(path, wait)?;
        match change(&mut txn.store) {
            Ok(out) => {
                txn.commit(path)?;
                Ok(out)
            }
            Err(e) => {
                txn.abandon();
                Err(e)
            }
        }
    }
}

/// Checks the owners of the links on the path, opens the file it leads to without following
/// a link there and without blocking, then checks what was opened (type, mode, owner, size)
/// and reads at most [`MAX_FILE_SIZE`] bytes. `me` is the current user when the caller knows.
fn read(path: &Path, check: bool, mut me: Option<u32>) -> Result<Store, StoreError> {
    let resolved = resolve(path)?;
    if check && !resolved.link_owners.is_empty() {
        if me.is_none() {
            me = current_user_by_probe()?;
        }
        check_links(&resolved, me)?;
    }
    let (file, meta) = open_file(&resolved.target)?;
    #[cfg(unix)]
    if check {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(StoreError::new(
                StoreErrorKind::TooOpen,
                format!("{mode:04o}"),
            ));
        }
        // Root's files are trusted (system-wide configuration); anyone else's are not.
        if let Some(theirs) = owner(&meta).filter(|&o| o != 0) {
            if me.is_none() {
                me = current_user_by_probe()?;
            }
            if let Some(me) = me.filter(|&me| me != theirs) {
                return Err(StoreError::unsafe_path(&format!(
                    "it belongs to another user (uid {theirs}), who could change what it holds; if you trust it, run `chown {me} {}`",
                    crate::store_error::shell_word(path)
                )));
            }
        }
    }
    let bytes = read_capped(file, &meta)?;
    let text = String::from_utf8(bytes).map_err(|_| StoreError::corrupt("it is not UTF-8 text"))?;
    Store::from_json(&text)
}

/// At most [`MAX_FILE_SIZE`] bytes of an opened file, whose `fstat` said `meta`.
fn read_capped(file: fs::File, meta: &fs::Metadata) -> Result<Vec<u8>, StoreError> {
    let too_large = || StoreError::corrupt("it is larger than 1 MiB");
    if meta.len() > MAX_FILE_SIZE {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| StoreError::io("read", e))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Reads a PEM file of root certificates (the CLI's `--ca-file` and `SSL_CERT_FILE`) with the
/// care [`Store::load`] takes, but for the mode and owner checks (the file holds no secret):
/// links followed to the file, which is opened without following a link there and without
/// blocking, and must be a regular file of at most [`MAX_FILE_SIZE`] bytes holding
/// certificates.
///
/// # Errors
/// The message, naming the file: it does not exist, cannot be read, is not a regular file, is
/// larger than 1 MiB, or holds no certificate or a broken one.
pub fn read_ca_file(path: &Path) -> Result<Vec<u8>, String> {
    let file = format!("the CA file {}", crate::store_error::shell_word(path));
    let read = resolve(path).and_then(|r| open_file(&r.target));
    let why = match read.and_then(|(f, meta)| read_capped(f, &meta)) {
        Ok(pem) => match crate::client::pem_certificates(&pem) {
            Ok(_) => return Ok(pem),
            Err(why) => why.to_owned(),
        },
        Err(e) if e.kind() == StoreErrorKind::NotFound => {
            return Err(format!("{file} does not exist"));
        }
        Err(e) => match std::error::Error::source(&e) {
            Some(cause) => format!("cannot read it: {cause}"),
            None => e.detail().to_owned(),
        },
    };
    Err(format!("{file} was not used: {why}"))
}

/// Opens the file a path resolved to for reading, refusing a link at its last part (one
/// swapped in after the links were checked) and anything but a regular file, without
/// blocking on a FIFO or a device. Returns the file with what `fstat` says of it.
fn open_file(target: &Path) -> Result<(fs::File, fs::Metadata), StoreError> {
    match not_following(fs::OpenOptions::new().read(true)).open(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Err(StoreError::new(StoreErrorKind::NotFound, ""))
        }
        opened => regular(opened, "it", "read"),
    }
}

/// Opens (or creates, mode 0600) the lock file without following a link and without
/// blocking, and refuses it unless `fstat` shows a regular file of `me`: a link would let
/// someone else pick the file that is created, and another user's lock could be held forever.
fn open_lock(lock_path: &Path, me: Option<u32>) -> Result<fs::File, StoreError> {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let opened = not_following(&mut options).open(lock_path);
    let (lock, meta) = regular(opened, "its lock file", "lock")?;
    if owner(&meta).is_some_and(|o| me.is_some_and(|me| me != o)) {
        return Err(StoreError::unsafe_path(&format!(
            "its lock file {} belongs to another user; remove it",
            crate::store_error::shell_word(lock_path)
        )));
    }
    Ok(lock)
}

/// An open that did not follow a link, refused unless it gave a regular file: `what` names
/// the file in the message, `action` is what failed otherwise.
fn regular(
    opened: io::Result<fs::File>,
    what: &str,
    action: &str,
) -> Result<(fs::File, fs::Metadata), StoreError> {
    let file = match opened {
        Ok(f) => f,
        Err(e) if is_link_error(&e) => {
            return Err(StoreError::unsafe_path(&format!(
                "{what} is a symbolic link"
            )));
        }
        Err(e) => return Err(StoreError::io(action, e)),
    };
    let meta = file.metadata().map_err(|e| StoreError::io(action, e))?;
    if !meta.is_file() {
        return Err(StoreError::unsafe_path(&format!(
            "{what} is not a regular file"
        )));
    }
    Ok((file, meta))
}

/// The exclusive lock on `.<name>.lock` beside the file a path leads to, held until dropped,
/// with what a write needs to know.
struct Locked {
    _lock: fs::File,
    resolved: Resolved,
    dir: PathBuf,
    name: OsString,
    /// The current user, where the platform has users.
    me: Option<u32>,
}

impl Locked {
    /// Opens the lock file without following a link and without blocking, checks that it is a
    /// regular file of the current user, and waits at most `wait` for the lock.
    fn take(path: &Path, wait: Duration) -> Result<Locked, StoreError> {
        let resolved = resolve(path)?;
        let Some(name) = resolved.target.file_name().map(OsStr::to_os_string) else {
            let e = io::Error::new(io::ErrorKind::InvalidInput, "the path names no file");
            return Err(StoreError::io("write", e));
        };
        let dir = match resolved.target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            create_private_dir(&dir).map_err(|e| StoreError::io("create the folder of", e))?;
        }
        let mut lock_name = OsString::from(".");
        lock_name.push(&name);
        lock_name.push(".lock");
        let lock_path = dir.join(lock_name);
        let me = current_user_by_probe()?;
        let lock = open_lock(&lock_path, me)?;
        wait_for(&lock, wait)?;
        Ok(Locked {
            _lock: lock,
            resolved,
            dir,
            name,
            me,
        })
    }

    /// Writes `store` through an exclusive temporary file renamed over the target, after
    /// removing temporary files that killed runs left behind. What loading would refuse is
    /// refused first, and nothing is written then.
    fn write(self, store: &Store) -> Result<(), StoreError> {
        let text = super::file::write_checked(store)?;
        self.remove_stale_temporaries();
        let tmp = self.dir.join(temp_name(&self.name, "tmp"));
        let result = self.write_through(&tmp, text.as_bytes());
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    fn write_through(&self, tmp: &Path, bytes: &[u8]) -> Result<(), StoreError> {
        let me = write_private(tmp, bytes).map_err(|e| StoreError::io("write", e))?;
        check_links(&self.resolved, me)?;
        if let Ok(m) = fs::symlink_metadata(&self.resolved.target) {
            if me.is_some_and(|me| owner(&m).is_some_and(|o| o != me)) {
                return Err(StoreError::unsafe_path(
                    "the file it leads to belongs to another user",
                ));
            }
            if !m.is_file() {
                return Err(StoreError::unsafe_path("it is not a regular file"));
            }
        }
        fs::rename(tmp, &self.resolved.target).map_err(|e| StoreError::io("write", e))?;
        // Make the rename itself durable; not every platform can sync a folder.
        if let Ok(d) = fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Under the lock no other writer is at work, so every `.<name>.<pid>.<n>.tmp` is left
    /// over from a run that was killed while saving.
    fn remove_stale_temporaries(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        let Some(name) = self.name.to_str() else {
            return;
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(rest) = file_name
                .to_str()
                .and_then(|f| f.strip_prefix('.'))
                .and_then(|f| f.strip_prefix(name))
                .and_then(|f| f.strip_prefix('.'))
                .and_then(|f| f.strip_suffix(".tmp"))
            else {
                continue;
            };
            let numbers = rest.split('.').collect::<Vec<_>>();
            let ours = numbers.len() == 2
                && numbers
                    .iter()
                    .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            let regular = entry.file_type().is_ok_and(|t| t.is_file());
            if ours && regular {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// A read-modify-write in progress: the lock held and the file read. Its steps are functions
/// of their own, out of the generic [`Store::update_waiting`], which would otherwise carry a
/// copy of them (and of dropping a store) for every change a program makes.
struct Txn {
    locked: Locked,
    store: Store,
}

impl Txn {
    /// Takes the lock, then reads the file under it (a missing file reads as an empty store).
    #[inline(never)]
    fn begin(path: &Path, wait: Duration) -> Result<Txn, StoreError> {
        let locked = Locked::take(path, wait).map_err(|e| e.at(path))?;
        let store = match read(path, true, locked.me) {
            Ok(s) => s,
            Err(e) if e.kind() == StoreErrorKind::NotFound => Store::new(),
            Err(e) => return Err(e.at(path)),
        };
        Ok(Txn { locked, store })
    }

    /// Writes the changed store and releases the lock.
    #[inline(never)]
    fn commit(self, path: &Path) -> Result<(), StoreError> {
        self.locked.write(&self.store).map_err(|e| e.at(path))
    }

    /// Releases the lock without writing.
    #[inline(never)]
    fn abandon(self) {}
}

/// Takes the exclusive lock on `lock`, trying again after short and growing pauses until
/// `wait` has passed.
fn wait_for(lock: &fs::File, wait: Duration) -> Result<(), StoreError> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match lock.try_lock() {
            Ok(()) => return Ok(()),
            Err(fs::TryLockError::WouldBlock) => {}
            Err(fs::TryLockError::Error(e)) => return Err(StoreError::io("lock", e)),
        }
        let waited = start.elapsed();
        if waited >= wait {
            let seconds = u64::try_from(wait.as_millis())
                .unwrap_or(u64::MAX)
                .div_ceil(1000);
            return Err(StoreError::new(StoreErrorKind::Locked, seconds.to_string()));
        }
        std::thread::sleep(pause.min(wait - waited));
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// `.<name>.<pid>.<n>.<suffix>`: unique in this process, and recognisable as ours.
fn temp_name(name: &OsStr, suffix: &str) -> OsString {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let n = u64::from(nanos) << 16 | u64::from(COUNTER.fetch_add(1, Ordering::Relaxed) & 0xffff);
    let mut out = OsString::from(".");
    out.push(name);
    out.push(format!(".{}.{n}.{suffix}", std::process::id()));
    out
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates `path` (which must not exist) with mode 0600, writes `bytes`, and syncs it.
/// Returns the file's owner: the current user.
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<Option<u32>> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        // The umask may have taken bits away, never added any; set the mode exactly.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    let me = owner(&file.metadata()?);
    file.write_all(bytes)?;
    file.flush()?;
    file.sync_all()?;
    Ok(me)
}

/// The open and lock steps called directly on planted links and FIFOs: what a race would put
/// at the path between a check and an open, placed there before the call, so the tests are
/// deterministic.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, symlink};
    use std::sync::mpsc;

    /// A fresh folder, removed at the end.
    struct Dir(PathBuf);

    impl Dir {
        fn new(label: &str) -> Dir {
            let dir = std::env::temp_dir().join(temp_name(OsStr::new(label), "test"));
            fs::create_dir(&dir).unwrap();
            Dir(dir)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn mkfifo(path: &Path) {
        let made = std::process::Command::new("mkfifo").arg(path).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    }

    /// Runs `f` on a thread and fails if it has not returned within 5 seconds: a blocked open
    /// is a failure, not a stuck test.
    fn within_5s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(5))
            .expect("the open blocked")
    }

    fn me(dir: &Path) -> u32 {
        let probe = dir.join("me");
        fs::write(&probe, "").unwrap();
        fs::metadata(&probe).unwrap().uid()
    }

    fn message(e: StoreError) -> String {
        e.at(Path::new("/c.json")).to_string()
    }

    #[test]
    fn a_link_planted_at_the_lock_path_is_never_followed() {
        let dir = Dir::new("lock-link");
        let me = Some(me(&dir.0));
        let lock = dir.0.join(".c.json.lock");
        // Dangling: following it would create a file of the link owner's choosing.
        let chosen = dir.0.join("chosen");
        symlink(&chosen, &lock).unwrap();
        let err = open_lock(&lock, me).unwrap_err();
        assert_eq!(err.kind(), StoreErrorKind::Unsafe);
        assert_eq!(
            message(err),
            "the credentials file /c.json was not used: its lock file is a symbolic link"
        );
        assert!(
            fs::symlink_metadata(&chosen).is_err(),
            "no file was created"
        );
        // To an existing file: it is neither opened for writing nor locked.
        fs::write(&chosen, "kept").unwrap();
        let err = open_lock(&lock, me).unwrap_err();
        assert_eq!(err.kind(), StoreErrorKind::Unsafe);
        assert_eq!(fs::read_to_string(&chosen).unwrap(), "kept");
        let other = fs::File::open(&chosen).unwrap();
        assert!(other.try_lock().is_ok(), "the link's target was not locked");
    }

    #[test]
    fn a_fifo_planted_at_the_lock_path_is_refused_without_blocking() {
        let dir = Dir::new("lock-fifo");
        let me = Some(me(&dir.0));
        let lock = dir.0.join(".c.json.lock");
        mkfifo(&lock);
        let err = within_5s(move || open_lock(&lock, me).unwrap_err());
        assert_eq!(
            message(err),
            "the credentials file /c.json was not used: its lock file is not a regular file"
        );
    }

    #[test]
    fn a_lock_file_of_another_user_is_refused() {
        let dir = Dir::new("lock-owner");
        let lock = dir.0.join(".c.json.lock");
        fs::write(&lock, "").unwrap();
        let owner = me(&dir.0);
        // The same file, as seen by a user who does not own it.
        let err = open_lock(&lock, Some(owner + 1)).unwrap_err();
        assert_eq!(err.kind(), StoreErrorKind::Unsafe);
        assert_eq!(
            message(err),
            format!(
                "the credentials file /c.json was not used: its lock file {} belongs to another user; remove it",
                lock.display()
            )
        );
        assert!(open_lock(&lock, Some(owner)).is_ok());
    }

    #[test]
    fn a_fifo_swapped_in_for_the_file_is_refused_without_blocking() {
        let dir = Dir::new("file-fifo");
        let path = dir.0.join("c.json");
        mkfifo(&path);
        // No writer ever opens the FIFO: a blocking open would wait forever.
        let err = within_5s(move || open_file(&path).unwrap_err());
        assert_eq!(err.kind(), StoreErrorKind::Unsafe);
        assert_eq!(
            message(err),
            "the credentials file /c.json was not used: it is not a regular file"
        );
    }

    #[test]
    fn a_link_swapped_in_for_the_file_is_not_followed() {
        let dir = Dir::new("file-link");
        let real = dir.0.join("theirs.json");
        fs::write(&real, r#"{"version":2,"servers":{}}"#).unwrap();
        let path = dir.0.join("c.json");
        symlink(&real, &path).unwrap();
        let err = open_file(&path).unwrap_err();
        assert_eq!(err.kind(), StoreErrorKind::Unsafe);
        assert_eq!(
            message(err),
            "the credentials file /c.json was not used: it is a symbolic link"
        );
        let (_, meta) = open_file(&real).unwrap();
        assert_eq!(meta.len(), 26);
    }

    #[test]
    fn a_held_lock_is_waited_for_until_the_deadline() {
        let dir = Dir::new("lock-wait");
        let lock = dir.0.join(".c.json.lock");
        let me = Some(me(&dir.0));
        let holder = open_lock(&lock, me).unwrap();
        holder.lock().unwrap();
        let waiter = open_lock(&lock, me).unwrap();
        let started = Instant::now();
        let (err, waiter) = within_5s(move || {
            let r = wait_for(&waiter, Duration::from_millis(300));
            (r.unwrap_err(), waiter)
        });
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(300), "{waited:?}");
        assert!(waited < Duration::from_secs(3), "{waited:?}");
        assert_eq!(err.kind(), StoreErrorKind::Locked);
        assert_eq!(
            message(err),
            "the credentials file /c.json is locked by another run; try again (waited 1 s)"
        );
        // Released meanwhile: taken at once.
        drop(holder);
        let started = Instant::now();
        wait_for(&waiter, Duration::from_secs(5)).unwrap();
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
