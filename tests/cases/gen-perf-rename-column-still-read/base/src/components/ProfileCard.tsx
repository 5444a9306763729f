import type { Profile } from "../lib/profile";

export function ProfileCard({ profile }: { profile: Profile }) {
  return (
    <div className="profile-card">
      <img src={profile.avatar_url ?? "/avatar.svg"} alt="" />
      <span>{profile.full_name ?? "Anonymous"}</span>
    </div>
  );
}
