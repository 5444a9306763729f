import { useEffect, useState } from "react";
import { supabase } from "../lib/supabase";

type Order = { id: string; total_cents: number; status: string; created_at: string };

export default function OrdersPage({ userId }: { userId: string }) {
  const [orders, setOrders] = useState<Order[]>([]);
  const [count, setCount] = useState<number | null>(null);

  useEffect(() => {
    let cancelled = false;
    async function load() {
      const [{ data: history }, { data: total }] = await Promise.all([
        supabase.rpc("get_order_history", { p_customer_id: userId }),
        supabase.rpc("count_my_orders"),
      ]);
      if (cancelled) return;
      setOrders((history ?? []) as Order[]);
      setCount(typeof total === "number" ? total : null);
    }
    void load();
    return () => {
      cancelled = true;
    };
  }, [userId]);

  return (
    <section>
      <h1>Your orders {count !== null && <small>({count})</small>}</h1>
      <ul>
        {orders.map((o) => (
          <li key={o.id}>
            {new Date(o.created_at).toLocaleDateString()} · {(o.total_cents / 100).toFixed(2)} € · {o.status}
          </li>
        ))}
      </ul>
    </section>
  );
}
