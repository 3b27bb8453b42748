-- Result callbacks: a notification of an app with a callback URL is 'pending' until its final result was posted
-- to that URL, then 'done'; NULL for apps without one.
ALTER TABLE notifications ADD COLUMN callback_state TEXT;
CREATE INDEX notifications_callbacks ON notifications (app_id, environment, finished_at) WHERE callback_state = 'pending';
