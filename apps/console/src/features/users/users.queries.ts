import type {
  CreateUserRequest,
  ResetPasswordRequest,
  Role,
  User,
  UserList,
} from "@conclave/protocol";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "../../api/client";
import { sessionKeys } from "../session/session.keys";
import { userKeys } from "./users.keys";

/** Every user; admins only, so callers pass `enabled` from the session's role. */
export function useUsersQuery(enabled = true) {
  return useQuery({
    queryKey: userKeys.list(),
    queryFn: ({ signal }) => api<UserList>("/users", { signal }),
    enabled,
  });
}

function useInvalidateUsers() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: userKeys.list() });
}

export function useCreateUserMutation() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (body: CreateUserRequest) => api<User>("/users", { method: "POST", body }),
    onSuccess: invalidate,
  });
}

/** Changes a role; an admin demoting themself loses this page, so the session is re-read too. */
export function useChangeRoleMutation() {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) =>
      api<User>(`/users/${seg(id)}`, { method: "PATCH", body: { role } }),
    onSuccess: () =>
      Promise.all([invalidate(), queryClient.invalidateQueries({ queryKey: sessionKeys.all })]),
  });
}

export function useResetPasswordMutation() {
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ResetPasswordRequest }) =>
      api<void>(`/users/${seg(id)}/password`, { method: "PUT", body }),
  });
}

export function useDeleteUserMutation() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/users/${seg(id)}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}
