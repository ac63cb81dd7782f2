-- Tenant and schedule policies (contracts PolicySchema), written by the dashboard; version rises on every save.
-- exam_schedule_id '' is the tenant's own policy, so one table and one key serve both layers.
CREATE TABLE policies (
  tenant_id        VARCHAR(128)  NOT NULL,
  exam_schedule_id VARCHAR(128)  NOT NULL DEFAULT '',
  version          INT UNSIGNED  NOT NULL,
  policy           JSON          NOT NULL,
  updated_by       VARCHAR(256)  NOT NULL,
  updated_at       DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (tenant_id, exam_schedule_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
