import { type GeneratedKeyPair, KeyTypeSchema, SubjectSchema } from "@conclave/protocol";
import { zodResolver } from "@hookform/resolvers/zod";
import {
  Alert,
  Button,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextArea,
  TextInput,
} from "@patternfly/react-core";
import { DownloadIcon } from "@patternfly/react-icons";
import { useId, useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { z } from "zod";
import { FieldError } from "../../components/FieldError";
import { useGenerateKeyPairMutation } from "./keystores.queries";
import { saveCsr } from "./save-file";
import { parseSans } from "./subject-alt-names";

const GenerateKeyPairFormSchema = z.object({
  alias: z.string().trim().min(1, "Alias is required").max(256, "At most 256 characters"),
  cn: SubjectSchema.shape.CN,
  sans: z.string().superRefine((text, ctx) => {
    const parsed = parseSans(text);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
  }),
  keyType: KeyTypeSchema,
});
type GenerateKeyPairForm = z.infer<typeof GenerateKeyPairFormSchema>;

export interface GenerateKeyPairModalProps {
  keystoreId: string;
  onClose: () => void;
}

/**
 * Generates a key pair in a keystore. The entry waits for its CA reply; the CSR can be
 * downloaded right away for an external CA, or the entry signed later with a private CA.
 */
export function GenerateKeyPairModal({ keystoreId, onClose }: GenerateKeyPairModalProps) {
  const id = useId();
  const generate = useGenerateKeyPairMutation(keystoreId);
  const [generated, setGenerated] = useState<GeneratedKeyPair | null>(null);
  const {
    register,
    control,
    handleSubmit,
    formState: { errors },
  } = useForm<GenerateKeyPairForm>({
    resolver: zodResolver(GenerateKeyPairFormSchema),
    defaultValues: { alias: "", cn: "", sans: "", keyType: "EC-P256" },
  });

  const submit = handleSubmit((values) => {
    const sans = parseSans(values.sans);
    generate.mutate(
      {
        alias: values.alias,
        keyType: values.keyType,
        subject: { CN: values.cn },
        sans: sans.ok ? sans.sans : [],
      },
      { onSuccess: setGenerated },
    );
  });

  return (
    <Modal isOpen onClose={onClose} variant="medium" aria-labelledby={`${id}-title`}>
      <ModalHeader title="Generate key pair" labelId={`${id}-title`} />
      <ModalBody>
        {generated ? (
          <Alert variant="success" isInline title={`Generated ${generated.entry.alias}`}>
            <p>
              The entry waits for its CA reply. Have the CSR signed by your CA and import the reply,
              or sign it with a private CA from the entry's details.
            </p>
            <Button
              variant="link"
              isInline
              icon={<DownloadIcon />}
              onClick={() => saveCsr(generated.entry.alias, generated.csr)}
            >
              Download CSR
            </Button>
          </Alert>
        ) : (
          <Form
            id={`${id}-form`}
            onSubmit={(event) => {
              event.preventDefault();
              void submit();
            }}
          >
            <FormGroup label="Alias" fieldId={`${id}-alias`} isRequired>
              <TextInput
                id={`${id}-alias`}
                validated={errors.alias ? "error" : "default"}
                {...register("alias")}
              />
              <FieldError message={errors.alias?.message} />
            </FormGroup>
            <FormGroup label="Common name (CN)" fieldId={`${id}-cn`} isRequired>
              <TextInput
                id={`${id}-cn`}
                validated={errors.cn ? "error" : "default"}
                {...register("cn")}
              />
              <FieldError message={errors.cn?.message} />
            </FormGroup>
            <FormGroup label="Subject alternative names" fieldId={`${id}-sans`}>
              <TextArea
                id={`${id}-sans`}
                resizeOrientation="vertical"
                validated={errors.sans ? "error" : "default"}
                {...register("sans")}
              />
              {errors.sans ? (
                <FieldError message={errors.sans.message} />
              ) : (
                <FormHelperText>
                  <HelperText>
                    <HelperTextItem>
                      DNS names and IP addresses peers dial, separated by commas or new lines.
                    </HelperTextItem>
                  </HelperText>
                </FormHelperText>
              )}
            </FormGroup>
            <FormGroup label="Key type" fieldId={`${id}-key-type`}>
              <Controller
                control={control}
                name="keyType"
                render={({ field }) => (
                  <FormSelect
                    id={`${id}-key-type`}
                    value={field.value}
                    onChange={(_event, value) => field.onChange(value)}
                  >
                    {KeyTypeSchema.options.map((keyType) => (
                      <FormSelectOption key={keyType} value={keyType} label={keyType} />
                    ))}
                  </FormSelect>
                )}
              />
            </FormGroup>
            {generate.error && (
              <Alert variant="danger" isInline title="The key pair was not generated">
                {generate.error.message}
              </Alert>
            )}
          </Form>
        )}
      </ModalBody>
      <ModalFooter>
        {generated ? (
          <Button onClick={onClose}>Close</Button>
        ) : (
          <>
            <Button type="submit" form={`${id}-form`} isLoading={generate.isPending}>
              Generate
            </Button>
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
          </>
        )}
      </ModalFooter>
    </Modal>
  );
}
