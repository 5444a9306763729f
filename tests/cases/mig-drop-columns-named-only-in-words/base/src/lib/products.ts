import { supabase } from "./supabase";

export interface Product {
  id: number;
  name: string;
  description: string | null;
  priceCents: number;
}

export async function listProducts(): Promise<Product[]> {
  const { data, error } = await supabase.from("products").select("id, name, price_cents");
  if (error) throw error;
  return data.map((row) => ({
    id: row.id,
    name: row.name,
    description: null,
    priceCents: row.price_cents,
  }));
}

export function summary(product: Product): string {
  return product.description ?? product.name;
}
