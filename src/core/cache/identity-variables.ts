/**
 * Environment variables that choose WHOSE credential the common exec plugins print. They are always in
 * the cache key, in addition to KUBE_CREDENTIAL_CACHE_CACHEKEY_ENV_LIST, so that switching any of them
 * can never be served another identity's cached token (docs/cache-key.md). Only the ones that are set
 * appear in a key, so listing a variable a user never sets costs nothing; leaving out one that does
 * select an identity serves the wrong token. Region and endpoint variables are here too where they
 * change which credential is printed, not only where it is sent.
 *
 * int128/kubelogin (OIDC) takes everything from its arguments, which are always in the key.
 */
export const IDENTITY_VARIABLES: readonly string[] = [
  // aws CLI (`aws eks get-token`) and every AWS SDK: a profile by name, from the config and
  // credentials files; static keys (which win over any profile); a role assumed through web identity
  // (EKS pod identity, GitHub OIDC); the container credential endpoint (ECS, EKS pod identity).
  // The region decides the STS endpoint the token is signed for.
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  // aws-vault: AWS_VAULT names the profile of the `aws-vault exec` shell a plugin runs in (the Go
  // original's list had it); the backend and its location decide which stored keys a profile means.
  "AWS_VAULT",
  "AWS_VAULT_BACKEND",
  "AWS_VAULT_FILE_DIR",
  "AWS_VAULT_KEYCHAIN_NAME",
  // gcloud and gke-gcloud-auth-plugin (which asks gcloud, or uses Application Default Credentials with
  // --use_application_default_credentials): the configuration directory and which named configuration
  // in it, the account, a token or credential file that overrides them, and impersonation.
  "CLOUDSDK_CONFIG",
  "CLOUDSDK_ACTIVE_CONFIG_NAME",
  "CLOUDSDK_CORE_ACCOUNT",
  "CLOUDSDK_AUTH_ACCESS_TOKEN",
  "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE",
  "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE",
  "CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT",
  "GOOGLE_APPLICATION_CREDENTIALS",
  // Azure kubelogin and az: the az profile directory (`-l azurecli`); the Azure SDK's service
  // principal, certificate, workload identity and user variables; kubelogin's own AAD_* names and the
  // Terraform ARM_* names it also reads; the login method; the authority (sovereign clouds).
  "AZURE_CONFIG_DIR",
  "AZURE_CLIENT_ID",
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PATH",
  "AZURE_CLIENT_CERTIFICATE_PASSWORD",
  "AZURE_FEDERATED_TOKEN_FILE",
  "AZURE_AUTHORITY_HOST",
  "AZURE_USERNAME",
  "AZURE_PASSWORD",
  "AAD_LOGIN_METHOD",
  "AAD_SERVICE_PRINCIPAL_CLIENT_ID",
  "AAD_SERVICE_PRINCIPAL_CLIENT_SECRET",
  "AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE",
  "AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE_PASSWORD",
  "AAD_USER_PRINCIPAL_NAME",
  "AAD_USER_PRINCIPAL_PASSWORD",
  "ARM_CLIENT_ID",
  "ARM_CLIENT_SECRET",
  "ARM_CLIENT_CERTIFICATE_PATH",
  "ARM_CLIENT_CERTIFICATE_PASSWORD",
  "ARM_TENANT_ID",
  // Where every one of these tools finds its default credentials when nothing above is set
  // (~/.aws, ~/.config/gcloud, ~/.azure, ~/.kube/cache): another home is another identity.
  // gcloud on Windows keeps its configuration under APPDATA instead.
  "HOME",
  "USERPROFILE",
  "APPDATA",
];
