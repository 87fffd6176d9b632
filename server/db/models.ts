import type { Connection } from 'mongoose';
import { userModel } from '../accounts/user.model.js';
import { sessionModel } from '../accounts/session.model.js';
import { emailVerificationModel, emailVerificationUseModel } from '../accounts/email-verification.model.js';
import { workspaceModel } from '../workspaces/workspace.model.js';
import { membershipModel } from '../workspaces/membership.model.js';
import { eventModel, counterModel } from '../realtime/event.model.js';
import { seatModel, seatHolderModel, seatPurchaseModel } from '../workspaces/seat.model.js';
import { storedImageModel } from '../files/stored-image.model.js';
import { lockModel } from './lock.model.js';
import { migrationModel } from './migration.model.js';
import { auditModel } from '../audit/audit.model.js';
import { outboxModel } from '../mail/outbox.model.js';
import { invitationModel } from '../invitations/invitation.model.js';
import { invitationDecisionModel } from '../invitations/invitation-decision.model.js';
import { inviteTokenModel } from '../invitations/invite-token.model.js';
import { inviteLinkModel, linkUseModel } from '../invitations/invite-link.model.js';
import { joinDecisionModel, joinRequestModel } from '../join-requests/join-request.model.js';
import { notificationModel } from '../notifications/notification.model.js';
import { domainClaimModel } from '../domains/domain-claim.model.js';
import { assetModel, assetShareModel, avatarSlotModel } from '../assets/asset.model.js';
import { tallyModel } from '../workspaces/tally.model.js';
import { ledgerEntryModel, purchaseModel, transferModel } from '../credits/ledger.model.js';
import { idempotencyModel } from '../http/idempotency.model.js';
import { apiKeyModel } from '../api-keys/api-key.model.js';
import { usageRollupModel } from '../api-keys/usage-rollup.model.js';
import { accessRequestModel, grantModel, itemModel } from '../content/item.model.js';
import { accessDecisionModel } from '../sharing/access-decision.model.js';
import { captionTrackModel, publicLinkModel, videoModel } from '../videos/video.model.js';
import { renderAttemptModel, renderJobModel, renderOutcomeModel, renderSlotModel } from '../jobs/job.model.js';
import { videoUnlockModel } from '../videos/unlock.model.js';

/** Every model of the app, bound to one connection. */
export function createModels(conn: Connection) {
  return {
    User: userModel(conn),
    Session: sessionModel(conn),
    EmailVerification: emailVerificationModel(conn),
    EmailVerificationUse: emailVerificationUseModel(conn),
    Workspace: workspaceModel(conn),
    Membership: membershipModel(conn),
    Event: eventModel(conn),
    Counter: counterModel(conn),
    Seat: seatModel(conn),
    SeatHolder: seatHolderModel(conn),
    SeatPurchase: seatPurchaseModel(conn),
    StoredImage: storedImageModel(conn),
    Lock: lockModel(conn),
    Migration: migrationModel(conn),
    Audit: auditModel(conn),
    Outbox: outboxModel(conn),
    Invitation: invitationModel(conn),
    InvitationDecision: invitationDecisionModel(conn),
    InviteToken: inviteTokenModel(conn),
    InviteLink: inviteLinkModel(conn),
    LinkUse: linkUseModel(conn),
    JoinRequest: joinRequestModel(conn),
    JoinDecision: joinDecisionModel(conn),
    Notification: notificationModel(conn),
    DomainClaim: domainClaimModel(conn),
    Asset: assetModel(conn),
    AssetShare: assetShareModel(conn),
    AvatarSlot: avatarSlotModel(conn),
    Tally: tallyModel(conn),
    LedgerEntry: ledgerEntryModel(conn),
    Transfer: transferModel(conn),
    Purchase: purchaseModel(conn),
    Idempotency: idempotencyModel(conn),
    ApiKey: apiKeyModel(conn),
    UsageRollup: usageRollupModel(conn),
    Item: itemModel(conn),
    Grant: grantModel(conn),
    AccessRequest: accessRequestModel(conn),
    AccessDecision: accessDecisionModel(conn),
    Video: videoModel(conn),
    CaptionTrack: captionTrackModel(conn),
    PublicLink: publicLinkModel(conn),
    RenderJob: renderJobModel(conn),
    RenderAttempt: renderAttemptModel(conn),
    RenderSlot: renderSlotModel(conn),
    RenderOutcome: renderOutcomeModel(conn),
    VideoUnlock: videoUnlockModel(conn),
  };
}

export type Models = ReturnType<typeof createModels>;

/** Builds the indexes of every model (unique email, lookups) before the app serves. */
export async function syncIndexes(models: Models) {
  await Promise.all(Object.values(models).map((m) => m.init()));
}
