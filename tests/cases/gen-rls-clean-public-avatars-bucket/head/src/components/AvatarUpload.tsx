import { useState } from "react";
import { supabase } from "../lib/supabase";

export function AvatarUpload({ userId, onUploaded }: { userId: string; onUploaded: (url: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function handleFile(file: File) {
    setBusy(true);
    setError(null);
    const path = `${userId}/avatar-${Date.now()}.${file.type === "image/png" ? "png" : "jpg"}`;
    const { error: uploadError } = await supabase.storage
      .from("avatars")
      .upload(path, file, { cacheControl: "3600", upsert: false, contentType: file.type });
    setBusy(false);
    if (uploadError) {
      setError("Upload failed. Images up to 1 MB (PNG, JPEG or WebP).");
      return;
    }
    const { data } = supabase.storage.from("avatars").getPublicUrl(path);
    onUploaded(data.publicUrl);
  }

  return (
    <label>
      Profile picture
      <input
        type="file"
        accept="image/png,image/jpeg,image/webp"
        disabled={busy}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void handleFile(file);
        }}
      />
      {error && <span role="alert">{error}</span>}
    </label>
  );
}
