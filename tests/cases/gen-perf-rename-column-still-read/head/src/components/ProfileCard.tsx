import type { Profile } from "../lib/profile";

type ProfileWithDisplayName = Omit<Profile, "full_name"> & { display_name: string | null };

export function ProfileCard({ profile }: { profile: ProfileWithDisplayName }) {
  return (
    <div className="profile-card">
      <img src={profile.avatar_url ?? "/avatar.svg"} alt="" />
      <span>{profile.display_name ?? "Anonymous"}</span>
    </div>
  );
}
