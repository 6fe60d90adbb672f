"""The preview's copy of an XLSX upload's rows, as CSV text, for the store to read instead of parsing the
sheet a second time: parsing is nearly all of reading a workbook (6 s of 100,000 rows, against 0.2 s
for the same rows as CSV). The store still checks every row again; only the parsing is saved.

Kept through the storage API beside the upload's file, each row with its number as the sheet gave it, each
cell as the checks take it (`cell_text`: a date as dd/mm/jjjj, which they read back as the same day),
and a last line saying so: a copy without it was not written to the end and is not used.
It goes when the upload is stored or refused, cancelled, failed or purged. The copy is only a shortcut:
one that cannot be written, kept or read costs the store a second parse, never the upload.
"""

import contextlib
import csv
import io
import logging
import tempfile

from django.core.files import File

from submissions.imports.readers import Table
from submissions.imports.rows import cell_text

logger = logging.getLogger(__name__)

END = "end"  # the last line: the copy was written to the end


def name_of(upload):
    # The format's version in the name: a copy written by an earlier release is never read.
    return f"{upload.file.name}.rows-v1.csv"


class Writer:
    """Tees the rows the preview reads into a local temporary file, saved to storage by `save`."""

    def __init__(self, upload):
        self.upload, self.file = upload, None
        try:
            self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close(): this job's own)
            self.text = io.TextIOWrapper(self.file, encoding="utf-8", newline="")
            self.writer = csv.writer(self.text)
        except OSError:
            self.failed("created")

    def failed(self, step):
        logger.warning("rows of upload %s not %s for the store", self.upload.pk, step, exc_info=True)
        self.close()

    def tee(self, rows):
        for number, cells in rows:
            if self.file is not None:
                try:
                    self.writer.writerow([number, *map(cell_text, cells)])
                except (OSError, ValueError):  # a full disk: the preview goes on without its copy
                    self.failed("written")
            yield number, cells

    def save(self):
        if self.file is None:
            return
        storage, name = self.upload.file.storage, name_of(self.upload)
        try:
            self.writer.writerow([END])
            self.text.flush()
            self.file.seek(0)
            storage.delete(name)  # a preview run again: never a copy with a suffix beside the old one
            saved = storage.save(name, File(self.file, name=name))
            if saved != name:  # the old one could not be deleted: this one would never be read
                storage.delete(saved)
        except Exception:
            self.failed("kept")
            delete(self.upload)

    def close(self):
        file, self.file = self.file, None
        if file is not None:
            with contextlib.suppress(OSError, ValueError):  # a full disk fails the flush before closing
                try:
                    self.text.close()  # and the file under it
                finally:
                    file.close()


def open_kept(upload):
    """(file object, size) of the kept copy when it was written to the end, or None."""
    storage, name = upload.file.storage, name_of(upload)
    fileobj = None
    try:
        if not storage.exists(name):
            return None
        fileobj = storage.open(name, "rb")
        size = fileobj.size
        fileobj.seek(max(0, size - 100))
        if fileobj.read().decode("utf-8", "replace").splitlines()[-1:] != [END]:
            raise ValueError("no last line")
        fileobj.seek(0)
        return fileobj, size
    except Exception:
        logger.warning("rows kept for upload %s not usable; reading the file", upload.pk, exc_info=True)
        if fileobj is not None:
            fileobj.close()
        return None


def table(fileobj, size):
    text = io.TextIOWrapper(fileobj, encoding="utf-8", newline="")

    def rows():
        for record in csv.reader(text):
            if record[0] == END:
                return
            yield int(record[0]), record[1:]

    def estimate(rows_done):
        return int(rows_done * size / (fileobj.tell() or 1))

    return Table("xlsx", rows(), estimate)


def delete(upload):
    try:
        upload.file.storage.delete(name_of(upload))
    except Exception:  # never fail the upload for it: a copy left behind only takes space
        logger.warning("rows kept for upload %s not deleted", upload.pk, exc_info=True)
