export { canonical, changeText, diffFields } from "./diff.ts";
export { agreementKey, entityRules, locationKey, partyKey } from "./entity-rules.ts";
export { MasterDataError, type MasterDataErrorCode, type MasterDataIssue } from "./errors.ts";
export * from "./model.ts";
export {
  type AsOf,
  type AuditQuery,
  type ChangeInput,
  type CorrectInput,
  type CreateInput,
  type Instant,
  KEYS_COLLECTION,
  type ListOptions,
  type ListResult,
  type Patch,
  TemporalRepository,
  type TerminateInput,
  VERSIONS_COLLECTION,
  type WithdrawInput,
  type WriteResult,
} from "./repository.ts";
export {
  AdministrationApi,
  AgreementApi,
  ContractApi,
  CustomerApi,
  createMasterData,
  EntityApi,
  HomeChargePointApi,
  LocationApi,
  MasterData,
  type MasterDataOptions,
  PartyApi,
  type PartyRef,
  type ReplaceTokenInput,
  refOf,
  SubscriptionApi,
  TokenApi,
  type TokenLink,
} from "./service.ts";
