-- Comment authors can delete their comments, and post authors can moderate
-- (delete) the comments under their own posts.
create policy "Authors delete their comments"
  on public.comments for delete
  to authenticated
  using (author_id = (select auth.uid()));

create policy "Post authors moderate comments"
  on public.comments for delete
  to authenticated
  using (id in (select p.id from public.posts p where p.author_id = (select auth.uid())));
