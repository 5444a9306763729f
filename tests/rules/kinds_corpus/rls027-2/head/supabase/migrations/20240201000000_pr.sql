grant service_role to authenticated;
