import { useState } from "react";
import { supabase } from "../lib/supabase";

type Props = {
  organizationId: string;
  userId: string;
  initialEmail: boolean;
  initialDigest: "never" | "daily" | "weekly";
};

export function NotificationSettings({ organizationId, userId, initialEmail, initialDigest }: Props) {
  const [notifyEmail, setNotifyEmail] = useState(initialEmail);
  const [digest, setDigest] = useState(initialDigest);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function save() {
    setSaving(true);
    setError(null);
    const { error } = await supabase
      .from("organization_members")
      .update({ notify_email: notifyEmail, notify_digest: digest })
      .eq("organization_id", organizationId)
      .eq("user_id", userId);
    setSaving(false);
    if (error) setError("Could not save your settings.");
  }

  return (
    <form onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <label>
        <input type="checkbox" checked={notifyEmail} onChange={(e) => setNotifyEmail(e.target.checked)} />
        Email me about new activity
      </label>
      <select value={digest} onChange={(e) => setDigest(e.target.value as Props["initialDigest"])}>
        <option value="never">Never</option>
        <option value="daily">Daily</option>
        <option value="weekly">Weekly</option>
      </select>
      <button type="submit" disabled={saving}>Save</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}
