-- Dashboard live feed: MAX(updated_at) of one schedule's sessions, answered from the index alone.
ALTER TABLE sessions ADD KEY sessions_by_schedule_updated (tenant_id, exam_schedule_id, updated_at);
