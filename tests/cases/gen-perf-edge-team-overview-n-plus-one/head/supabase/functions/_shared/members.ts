import type { SupabaseClient } from "npm:@supabase/supabase-js@2.45.4";

export type MemberProfile = { id: string; display_name: string | null; avatar_url: string | null };

export async function loadMemberProfiles(
  client: SupabaseClient,
  userIds: string[],
): Promise<MemberProfile[]> {
  const profiles: MemberProfile[] = [];
  for (const userId of userIds) {
    const { data, error } = await client
      .from("profiles")
      .select("id, display_name, avatar_url")
      .eq("id", userId)
      .maybeSingle();
    if (error) throw error;
    if (data) profiles.push(data);
  }
  return profiles;
}
