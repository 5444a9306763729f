import { supabase } from "./supabase";

export type Profile = { id: string; full_name: string | null; avatar_url: string | null };

export async function getProfile(id: string): Promise<Profile | null> {
  const { data, error } = await supabase
    .from("profiles")
    .select("id, full_name, avatar_url")
    .eq("id", id)
    .maybeSingle();
  if (error) throw error;
  return data;
}

export async function updateName(id: string, fullName: string): Promise<void> {
  const { error } = await supabase.from("profiles").update({ full_name: fullName }).eq("id", id);
  if (error) throw error;
}
