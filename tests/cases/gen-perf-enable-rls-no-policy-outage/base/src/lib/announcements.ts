import { supabase } from "./supabase";

export async function activeAnnouncements() {
  const now = new Date().toISOString();
  const { data, error } = await supabase
    .from("announcements")
    .select("id, message, level")
    .lte("starts_at", now)
    .or(`ends_at.is.null,ends_at.gt.${now}`);
  if (error) throw error;
  return data;
}
