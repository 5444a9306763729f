import { supabase } from "./supabase";

export async function loadCatalog(currency: string) {
  const { data, error } = await supabase.functions.invoke(`catalog/products?currency=${currency}`, {
    method: "GET",
  });
  if (error) throw error;
  return data as { products: { id: string; name: string; price: number }[] };
}
