import { supabase } from "./supabase";

export async function myTasks() {
  const { data, error } = await supabase
    .from("tasks")
    .select("id, title, done, created_at")
    .order("created_at", { ascending: false });
  if (error) throw error;
  return data;
}

export async function addTask(title: string) {
  const { error } = await supabase.from("tasks").insert({ title });
  if (error) throw error;
}
