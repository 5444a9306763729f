create table "public"."kitchens" (
    "id" uuid not null default gen_random_uuid(),
    "name" text not null,
    "created_at" timestamp with time zone not null default now()
);

alter table "public"."kitchens" enable row level security;

create table "public"."recipes" (
    "id" uuid not null default gen_random_uuid(),
    "kitchen_id" uuid not null,
    "slug" text not null,
    "steps" jsonb not null default '[]'::jsonb
);

alter table "public"."recipes" enable row level security;

CREATE UNIQUE INDEX kitchens_pkey ON public.kitchens USING btree (id);

CREATE UNIQUE INDEX recipes_pkey ON public.recipes USING btree (id);

CREATE UNIQUE INDEX recipes_kitchen_id_slug_key ON public.recipes USING btree (kitchen_id, slug);

alter table "public"."kitchens" add constraint "kitchens_pkey" PRIMARY KEY using index "kitchens_pkey";

alter table "public"."recipes" add constraint "recipes_pkey" PRIMARY KEY using index "recipes_pkey";

alter table "public"."recipes" add constraint "recipes_kitchen_id_slug_key" UNIQUE using index "recipes_kitchen_id_slug_key";

alter table "public"."recipes" add constraint "recipes_kitchen_id_fkey" FOREIGN KEY (kitchen_id) REFERENCES kitchens(id) ON DELETE CASCADE not valid;

alter table "public"."recipes" validate constraint "recipes_kitchen_id_fkey";

create policy "members read kitchens" on "public"."kitchens" as permissive for select to authenticated
using (true);

create policy "members read recipes" on "public"."recipes" as permissive for select to authenticated
using (true);
