import { z } from "zod";

/** A realm name: what operators see in the tree and what peers use to address the realm. */
export const RealmNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
    "Realm names are 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit",
  );

/** An interface name, unique within a realm (Universal Messaging calls the first one nsp0). */
export const InterfaceNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
    "Interface names are 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit",
  );

/** A channel name: path-like, so operators can group channels ("orders/eu"). */
export const ChannelNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,199}$/,
    "Channel names are 1-200 letters, digits, '.', '_', '-' or '/', starting with a letter or digit",
  )
  .refine((name) => !name.split("/").some((part) => part === "" || part === ".."), {
    message: "Channel names may not contain empty or '..' path segments",
  });
