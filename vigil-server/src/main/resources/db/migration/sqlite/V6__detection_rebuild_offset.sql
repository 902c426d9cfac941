-- (SQLite dialect; ../postgresql/V6__detection_rebuild_offset.sql is the twin.)
-- Detector state is not kept in the store: the detection pipeline writes it to a snapshot file
-- (<data>/detection/state.snap, written atomically, checksummed, with the event log offset it
-- reflects), which suits state of hundreds of megabytes better than a row rewritten in every
-- commit's transaction. The state_snapshot column was never written: dropped.
-- snapshot_offset held where a rebuild of the state from the event log starts when there is no
-- usable snapshot (the log position of the rules' longest look-back), but only its first value was
-- ever stored; renamed for what it is, and now written with every checkpoint.
ALTER TABLE detection_checkpoint DROP COLUMN state_snapshot;
ALTER TABLE detection_checkpoint RENAME COLUMN snapshot_offset TO rebuild_offset;
