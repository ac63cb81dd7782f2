-- The accommodation a session runs with (contracts ResolvedAccommodation), so its proctors see the reason.
ALTER TABLE sessions ADD COLUMN accommodation JSON NULL AFTER exam_config;
