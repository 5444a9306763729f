update storage.buckets set public = true where id = 'invoices';
