//! `RandomRead` (positional reads, shared between threads) and `SyncWrite`
//! (appends that can be made durable), implemented for real files and for
//! in-memory buffers so formats can be tested without a disk.

use std::fs::File;
use std::io::{self, Write};
use std::sync::Arc;

/// An immutable file read at arbitrary offsets from many threads at once.
pub trait RandomRead: Send + Sync {
    /// Fills `buf` from `offset`; a short file is `UnexpectedEof`.
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()>;
    /// Current size in bytes.
    fn size(&self) -> io::Result<u64>;
}

impl RandomRead for File {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(self, buf, offset)
    }

    fn size(&self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }
}

fn read_from_slice(data: &[u8], buf: &mut [u8], offset: u64) -> io::Result<()> {
    let start = usize::try_from(offset).map_err(|_| io::ErrorKind::UnexpectedEof)?;
    let end = start
        .checked_add(buf.len())
        .filter(|&end| end <= data.len())
        .ok_or(io::ErrorKind::UnexpectedEof)?;
    buf.copy_from_slice(&data[start..end]);
    Ok(())
}

impl RandomRead for Vec<u8> {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        read_from_slice(self, buf, offset)
    }

    fn size(&self) -> io::Result<u64> {
        Ok(self.len() as u64)
    }
}

impl RandomRead for Arc<[u8]> {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        read_from_slice(self, buf, offset)
    }

    fn size(&self) -> io::Result<u64> {
        Ok(self.len() as u64)
    }
}

/// An append-only sink whose written bytes can be forced to stable storage.
pub trait SyncWrite: Write + Send {
    /// Makes everything written so far durable (fdatasync for files).
    fn sync(&mut self) -> io::Result<()>;
}

impl SyncWrite for File {
    fn sync(&mut self) -> io::Result<()> {
        self.sync_data()
    }
}

/// A buffered file: `sync` pushes the buffer to the file, then fsyncs it.
impl<W: SyncWrite> SyncWrite for std::io::BufWriter<W> {
    fn sync(&mut self) -> io::Result<()> {
        self.flush()?;
        self.get_mut().sync()
    }
}

/// Memory has nothing to sync; used by format tests.
impl SyncWrite for Vec<u8> {
    fn sync(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_reads_check_bounds() {
        let data: Vec<u8> = (0..10).collect();
        let mut buf = [0u8; 3];
        data.read_exact_at(&mut buf, 7).unwrap();
        assert_eq!(buf, [7, 8, 9]);
        assert_eq!(
            data.read_exact_at(&mut buf, 8).unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
        assert!(data.read_exact_at(&mut buf, u64::MAX).is_err());
    }

    #[test]
    fn file_reads_at_offsets() {
        let dir = std::env::temp_dir().join(format!("avccdb-file-{}", std::process::id()));
        let mut f = File::create(&dir).unwrap();
        f.write_all(b"0123456789").unwrap();
        f.sync().unwrap();
        let f = File::open(&dir).unwrap();
        let mut buf = [0u8; 4];
        f.read_exact_at(&mut buf, 3).unwrap();
        assert_eq!(&buf, b"3456");
        assert_eq!(RandomRead::size(&f).unwrap(), 10);
        assert!(f.read_exact_at(&mut buf, 8).is_err());
        std::fs::remove_file(&dir).unwrap();
    }
}
