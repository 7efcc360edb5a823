//! The one byte reader of the format: big-endian, bounded, zero-copy; every read is checked.

use crate::Error;

/// Reads fields off the front of untrusted bytes.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    /// The next `n` bytes of `field`.
    pub(crate) fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], Error> {
        if n > self.rest.len() {
            return Err(Error::Truncated { field });
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], Error> {
        self.take(N, field)?
            .try_into()
            .map_err(|_| Error::Truncated { field })
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, Error> {
        let [b] = self.array::<1>(field)?;
        Ok(b)
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<usize, Error> {
        Ok(usize::from(u16::from_be_bytes(self.array(field)?)))
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<usize, Error> {
        usize::try_from(u32::from_be_bytes(self.array(field)?))
            .map_err(|_| Error::TooLong { field })
    }

    /// A u16 length (at most `max`), then that many bytes.
    pub(crate) fn sized16(&mut self, max: usize, field: &'static str) -> Result<&'a [u8], Error> {
        let n = self.u16(field)?;
        if n > max {
            return Err(Error::TooLong { field });
        }
        self.take(n, field)
    }

    /// A u32 length (at most `max`), then that many bytes.
    pub(crate) fn sized32(&mut self, max: usize, field: &'static str) -> Result<&'a [u8], Error> {
        let n = self.u32(field)?;
        if n > max {
            return Err(Error::TooLong { field });
        }
        self.take(n, field)
    }

    /// Fails unless every byte was read.
    pub(crate) fn finish(&self) -> Result<(), Error> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(Error::TrailingBytes)
        }
    }
}

/// Writes fields into a caller's buffer, checking every bound (the no-alloc GPU encoder).
pub(crate) struct Writer<'o> {
    out: &'o mut [u8],
    at: usize,
}

impl<'o> Writer<'o> {
    pub(crate) fn new(out: &'o mut [u8]) -> Writer<'o> {
        Writer { out, at: 0 }
    }

    pub(crate) fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self
            .at
            .checked_add(bytes.len())
            .ok_or(Error::BufferTooSmall)?;
        self.out
            .get_mut(self.at..end)
            .ok_or(Error::BufferTooSmall)?
            .copy_from_slice(bytes);
        self.at = end;
        Ok(())
    }

    /// How many bytes were written.
    pub(crate) fn written(&self) -> usize {
        self.at
    }
}
