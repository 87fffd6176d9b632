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
  };
}

export type Models = ReturnType<typeof createModels>;

/** Builds the indexes of every model (unique email, lookups) before the app serves. */
export async function syncIndexes(models: Models) {
  await Promise.all(Object.values(models).map((m) => m.init()));
}
