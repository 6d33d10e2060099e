using System.Text.RegularExpressions;
using PveOperator.Entities;
using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>
/// The planner's rules for a container's existence: the spec checks old API servers do not make, VMID allocation,
/// create and clone, ownership, and destroy. Pure like <see cref="ContainerPlanner"/>, which calls these at fixed points
/// of its order (docs/architecture.md's table names each row).
/// </summary>
internal static partial class LifecyclePlanner
{
    /// <summary>What is wrong with the spec as the CRD's CEL rules would have said; null when nothing is.</summary>
    public static string? InvalidSpec(ContainerFacts f)
    {
        var spec = f.Spec;
        if (spec.Vmid is { } wanted && f.Container.Status?.Vmid is { } recorded && wanted != recorded)
        {
            return $"spec.vmid was changed from {recorded} to {wanted}, but vmid cannot change: it names the container this resource manages. "
                + $"Set it back to {recorded}, or create another LxcContainer for CT {wanted}";
        }

        if (f.Container.Status?.Provider is { } provider && provider != spec.ProviderRef.Name)
        {
            return $"spec.providerRef was changed from {provider} to {spec.ProviderRef.Name}, but providerRef cannot change: CT {f.Vmid} lives in {provider}. "
                + $"Set it back to {provider}, or create another LxcContainer for the container in {spec.ProviderRef.Name}";
        }

        if (spec.Vmid is null && spec.Create is null)
        {
            return "spec.vmid is required unless spec.create is set: name the existing container to manage, or say how to create one";
        }

        if (spec.Create is not { } create)
        {
            return null;
        }

        if ((create.Template is null) == (create.Clone is null))
        {
            return "spec.create needs exactly one of template (an ostemplate volume) and clone (a container to copy)";
        }

        if (create.Template is { } template)
        {
            if (!TemplatePattern().IsMatch(template))
            {
                return $"spec.create.template \"{template}\" is not an ostemplate volume: write STORAGE:vztmpl/FILE.tar.zst (or .tar, .tar.gz, .tar.xz, .tar.bz2)";
            }

            if (string.IsNullOrEmpty(create.Storage))
            {
                return "spec.create.storage is required with spec.create.template: it is where the root disk is allocated, e.g. local-lvm";
            }

            if (create.RootfsSize is { } size && RootfsGib(size) is null)
            {
                return $"spec.create.rootfsSize \"{size}\" must be whole GiB such as 8Gi";
            }
        }
        else if (create.RootfsSize is not null || create.Unprivileged is not null || create.RootPasswordSecretRef is not null || create.SshPublicKeys is not null)
        {
            return "rootfsSize, unprivileged, rootPasswordSecretRef and sshPublicKeys apply to spec.create.template only: a clone copies them from its source";
        }

        return null;
    }

    /// <summary>Rules before the container is located: a VMID to allocate, an operation recorded before its answer came, how a create ended.</summary>
    public static ContainerStep? BeforeLocate(ContainerFacts f, ContainerControllerSettings s)
    {
        if (f.Settled is { Type: OperationType.Destroy } && f.Task is TaskObservation.Ended { Succeeded: true })
        {
            return new ContainerStep.Finish(ContainerEvent.Normal(Reasons.Destroyed, $"CT {f.Vmid} destroyed with its disks, as deletionPolicy Delete asks"));
        }

        if (f.Status.Operation is { Type: OperationType.Create or OperationType.Clone or OperationType.Destroy } pending
            && !Upid.TryParse(pending.Upid, out _) && f.Task is null)
        {
            // Recorded before its request and no UPID came back (the operator stopped in between). PVE refuses a second
            // create of an existing VMID at once, and the owner mark tells ours from another's, so sending again is safe.
            return new ContainerStep.SettleOperation(new TaskObservation.Unparsable());
        }

        if (f.Settled is { Type: OperationType.Create or OperationType.Clone } settled && f.Task is TaskObservation.Ended { Succeeded: false } failed)
        {
            return CreateFailed(f, s, settled, failed);
        }

        if (f.Vmid is null)
        {
            if (f.Deleting)
            {
                return new ContainerStep.Finish(null);
            }

            if (f.ObserveOnly)
            {
                return NotCreated(f, s);
            }

            if (f.VmidRangeExhausted)
            {
                var range = f.Provider.VmidRange!;
                return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.VmidRangeExhausted,
                    $"no free VMID in provider {f.Provider.Name}'s vmidRange {range.Min}-{range.Max}: widen spec.vmidRange, free an id, or set spec.vmid"),
                    s.NotFoundRetry);
            }

            return new ContainerStep.AllocateVmid();
        }

        return null;
    }

    /// <summary>The container does not exist (not in the snapshot, not created by us since): create or clone it.</summary>
    public static ContainerStep CreateStep(ContainerFacts f, ContainerControllerSettings s)
    {
        if (f.ObserveOnly)
        {
            return NotCreated(f, s);
        }

        if (f.History.InBackoff(f.Now, f.Generation))
        {
            return new ContainerStep.Report(null, f.History.BackoffRemaining(f.Now));
        }

        var create = f.Spec.Create!;
        var vmid = f.KnownVmid;
        if (create.Clone is { } clone)
        {
            if (f.SourceEntry is not { } source)
            {
                return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.CloneSourceNotFound,
                    $"spec.create.clone.vmid {clone.Vmid} is not a container of provider {f.Provider.Name}: create it, or point create.clone.vmid at a template that exists"),
                    s.NotFoundRetry);
            }

            if (f.Source is not { } sourceConfig)
            {
                return new ContainerStep.ReadCloneSource(source.Node, clone.Vmid);
            }

            if (clone.Full == false && !sourceConfig.Template)
            {
                return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.LinkedCloneRequiresTemplate,
                    $"CT {clone.Vmid} is not a template, and PVE links clones only to templates: set spec.create.clone.full to true for a full copy, "
                    + $"or convert CT {clone.Vmid} to a template first (pct template {clone.Vmid})"),
                    s.ResyncInterval);
            }

            if (f.StorageSlotFree == false)
            {
                return WaitForStorage(f, s, $"CT {clone.Vmid}", "clone");
            }

            return new ContainerStep.SendClone(source.Node, clone.Vmid, f.Spec.Node ?? source.Node, create.Storage ?? sourceConfig.RootStorage ?? "");
        }

        var storage = create.Storage!;
        var node = f.Spec.Node ?? f.PlacedNode ?? f.History.PlacedOn;
        if (node is null)
        {
            return new ContainerStep.PlaceNode();
        }

        if (node.Length == 0)
        {
            return new ContainerStep.Report(ContainerOutcome.Progressing(Reasons.NoNodeAvailable,
                $"no node of provider {f.Provider.Name} is online to create CT {vmid} on; waiting for one (or set spec.node)"), s.NotFoundRetry);
        }

        var template = create.Template!;
        if (f.History.TemplateMissing && f.Templates is null)
        {
            return new ContainerStep.ListTemplates(node, TemplateStorage(template));
        }

        if (f.Templates is { } templates && !templates.Contains(template, StringComparer.Ordinal))
        {
            return TemplateNotFound(f, s, node, template, templates);
        }

        if (create.RootPasswordSecretRef is not null && f.RootPassword is null)
        {
            return f.SecretProblem is { } problem
                ? new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.SecretNotFound, problem), s.NotFoundRetry)
                : new ContainerStep.ReadRootPassword();
        }

        if (f.StorageSlotFree == false)
        {
            return WaitForStorage(f, s, storage, "create");
        }

        return new ContainerStep.SendCreate(node, storage);
    }

    /// <summary>
    /// With deletionPolicy Delete the container must be known to be this resource's before anything is stopped or
    /// destroyed, and an adopted one gets the owner mark. Null when nothing of that is left to do.
    /// </summary>
    public static ContainerStep? Ownership(ContainerFacts f, ContainerControllerSettings s, string node)
    {
        var mustVerify = !f.ObserveOnly
            && ((f.Deleting && f.Deletion == DeletionPolicy.Delete)
                // A container this resource creates is touched only once it is known to be the one it created.
                || (f.Spec.Create is not null && !f.History.MarkVerified)
                || (!f.Deleting && f.Deletion == DeletionPolicy.Delete && !f.History.MarkVerified));
        if (!mustVerify)
        {
            return null;
        }

        if (f.Config is not { } config)
        {
            return new ContainerStep.ReadConfig(node);
        }

        var vmid = f.Vmid;
        var owner = config.Owner;
        var ours = owner is not null && owner.SameResource(f.Mark);
        if (!ours && config.Lock == "create")
        {
            // PVE writes the notes only when the archive is unpacked: whose create this is shows then.
            return new ContainerStep.Report(ContainerOutcome.Progressing(Reasons.Creating,
                $"CT {vmid} is being created (lock create); waiting to see whether it is this resource's"), s.LockedRetry);
        }

        if (f.Deleting)
        {
            if (!ours)
            {
                var found = owner is null ? "it carries no owner mark" : $"its owner mark names LxcContainer {owner.Resource} (uid {owner.Uid})";
                return new ContainerStep.Finish(ContainerEvent.Warn(Reasons.NotOwned,
                    $"CT {vmid} is not {(f.Deletion == DeletionPolicy.Delete ? "destroyed" : "stopped")}: {found}, not this resource; it is left as it is"));
            }

            if (f.Deletion == DeletionPolicy.Delete && config.Protected)
            {
                var message = ProtectedMessage(vmid);
                var already = ConditionList.Find(f.Container.Status?.Conditions, ConditionTypes.Ready) is { Reason: Reasons.Protected };
                return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.Protected, message, warn: !already), s.NotFoundRetry);
            }

            return null;
        }

        if (f.Spec.Create is not null)
        {
            if (ours)
            {
                return null;
            }

            if (f.Spec.Vmid is null)
            {
                // Someone else's container took the allocated id since: take the next one.
                return new ContainerStep.AllocateVmid { History = f.History with { TakenVmids = f.History.TakenVmids.Add(f.KnownVmid) } };
            }

            var whose = owner is null ? "no owner mark" : $"the owner mark of LxcContainer {owner.Resource}";
            return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.AlreadyExists,
                $"CT {vmid} already exists on node {node} and carries {whose}, not this resource's: nothing is created, changed or destroyed. "
                + "Choose a free spec.vmid, leave spec.vmid out to have one allocated, or remove spec.create to adopt the existing container"),
                s.ResyncInterval);
        }

        if (owner is null)
        {
            return new ContainerStep.WriteOwnerMark(node);
        }

        if (!ours)
        {
            return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.OwnedElsewhere,
                $"CT {vmid} carries the owner mark of LxcContainer {owner.Resource} (uid {owner.Uid}), perhaps of another Kubernetes cluster: "
                + $"with deletionPolicy Delete this resource would destroy it. If that resource no longer exists, remove the line \"{owner.Line}\" from the container's notes in PVE"),
                s.ResyncInterval);
        }

        return null;
    }

    /// <summary>The container is stopped and ours: destroy it, one of the storage's allocation slots permitting.</summary>
    public static ContainerStep Destroy(ContainerFacts f, ContainerControllerSettings s, string node, LiveState live)
    {
        if (!string.IsNullOrEmpty(live.Lock))
        {
            return new ContainerStep.Report(ContainerOutcome.Progressing(Reasons.Locked,
                $"CT {f.Vmid} is locked ({live.Lock}); destroying it when the lock is released"), s.LockedRetry);
        }

        if (f.History.InBackoff(f.Now, f.Generation))
        {
            return new ContainerStep.Report(null, f.History.BackoffRemaining(f.Now));
        }

        var storage = f.Config?.RootStorage ?? "";
        return f.StorageSlotFree == false ? WaitForStorage(f, s, storage, "destroy") : new ContainerStep.SendDestroy(node, storage);
    }

    /// <summary>What a failed create, clone or destroy request means; null when the generic rules apply.</summary>
    public static ContainerStep? OnError(ContainerFacts f, ContainerControllerSettings s, PveApiException error)
    {
        var vmid = f.Vmid;
        switch (f.FailedStep)
        {
            case ContainerStep.SendCreate or ContainerStep.SendClone when error.Kind == PveErrorKind.AlreadyExists:
                return AlreadyExists(f, s, error);
            case ContainerStep.ReadCloneSource read when error.Kind == PveErrorKind.NotFound:
                return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.CloneSourceNotFound,
                    $"spec.create.clone.vmid {read.Vmid} was not found on node {read.Node}: {error.Message}"), s.NotFoundRetry);
            case ContainerStep.WriteOwnerMark when error.Kind == PveErrorKind.DigestMismatch:
                // Someone changed the config between our read and write: read it again.
                return new ContainerStep.Report(null, TimeSpan.Zero);
            case ContainerStep.SendDestroy when error.Message.Contains("protection mode enabled", StringComparison.Ordinal):
                return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.Protected,
                    ProtectedMessage(vmid), warn: true),
                    s.NotFoundRetry);
            case ContainerStep.SendDestroy when error.Message.Contains("container is running", StringComparison.Ordinal):
                // Started again between our look and the DELETE: look again, and stop it first.
                return new ContainerStep.Report(ContainerOutcome.Progressing(Reasons.Destroying, $"CT {vmid} is running again; stopping it before destroying it"), TimeSpan.Zero)
                {
                    History = f.History.Settled(f.Now, s.SnapshotLag),
                };
            default:
                return null;
        }
    }

    private static ContainerStep AlreadyExists(ContainerFacts f, ContainerControllerSettings s, PveApiException error)
    {
        var vmid = f.KnownVmid;
        var (kind, node) = ParseAlreadyExists(error.Message);
        if (f.Config is null && kind == "CT" && node is not null)
        {
            return new ContainerStep.ReadConfig(node);
        }

        if (f.Config is { Lock: "create", Owner: null })
        {
            return new ContainerStep.Report(ContainerOutcome.Progressing(Reasons.Creating,
                $"CT {vmid} is being created (lock create); waiting to see whether it is this resource's"), s.LockedRetry);
        }

        if (f.Config?.Owner is { } owner && owner.SameResource(f.Mark) && node is not null)
        {
            // Our own create from before a restart (its answer was lost): the container is this resource's.
            return new ContainerStep.Report(ContainerOutcome.Progressing(Reasons.Observing,
                $"CT {vmid} exists on {node} and carries this resource's owner mark (an earlier create): managing it"), TimeSpan.Zero)
            {
                History = f.History.Created(f.Now, node),
            };
        }

        if (f.Spec.Vmid is null)
        {
            // Someone else took the allocated id meanwhile (another cluster, a person): take the next one.
            return new ContainerStep.AllocateVmid { History = f.History with { TakenVmids = f.History.TakenVmids.Add(vmid) } };
        }

        var whose = kind == "VM" ? "a virtual machine" : f.Config?.Owner is { } other ? $"owned by LxcContainer {other.Resource}" : "not created by this resource";
        return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.AlreadyExists,
            $"CT {vmid} already exists{(node is null ? "" : $" on node {node}")} and is {whose}: nothing was created. "
            + "Choose a free spec.vmid, leave spec.vmid out to have one allocated, or remove spec.create to adopt the existing container"),
            s.ResyncInterval);
    }

    private static ContainerStep CreateFailed(ContainerFacts f, ContainerControllerSettings s, OperationStatus settled, TaskObservation.Ended failed)
    {
        var template = f.Spec.Create?.Template;
        var node = settled.Node ?? (Upid.TryParse(settled.Upid, out var upid) ? upid.Node : null);
        if (settled.Type == OperationType.Create && template is not null && node is not null && MissingTemplate(failed.FailureText))
        {
            if (f.Templates is not { } templates)
            {
                return new ContainerStep.ListTemplates(node, TemplateStorage(template)) { History = f.History with { TemplateMissing = true } };
            }

            if (!templates.Contains(template, StringComparer.Ordinal))
            {
                return TemplateNotFound(f, s, node, template, templates);
            }
        }

        var delay = f.History.BackoffRemaining(f.Now);
        return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.TaskFailed,
            $"{ContainerPlanner.Verb(settled.Type)} of CT {f.Vmid} failed: {failed.FailureText}; retrying in {DurationFormat.Format(delay)}", warn: true), delay);
    }

    private static ContainerStep.Report TemplateNotFound(ContainerFacts f, ContainerControllerSettings s, string node, string template, IReadOnlyList<string> templates)
    {
        var storage = TemplateStorage(template);
        var available = templates.Count == 0 ? "none" : string.Join(", ", templates);
        var delay = f.History.InBackoff(f.Now, f.Generation) ? f.History.BackoffRemaining(f.Now) : s.NotFoundRetry;
        return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.TemplateNotFound,
            $"template {template} is not on storage {storage} of node {node} (vztmpl volumes there: {available}): "
            + $"download it (pveam download {storage} {template[(template.IndexOf('/', StringComparison.Ordinal) + 1)..]}) or fix spec.create.template"),
            delay < s.NotFoundRetry ? s.NotFoundRetry : delay)
        {
            History = f.History with { TemplateMissing = true },
        };
    }

    private static ContainerStep.Report NotCreated(ContainerFacts f, ContainerControllerSettings s) =>
        new(ContainerOutcome.Stalled(Reasons.NotFound,
            $"CT {(f.Vmid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(no vmid yet)")} does not exist, and managementPolicy ObserveOnly never creates it: set managementPolicy Full to have it created"),
            s.NotFoundRetry);

    private static ContainerStep.Report WaitForStorage(ContainerFacts f, ContainerControllerSettings s, string line, string verb) =>
        new(ContainerOutcome.Progressing(Reasons.WaitingForStorageSlot,
            $"waiting to {verb} CT {f.Vmid}: {line} already has as many creates, clones and destroys under way as PVE's allocation lock takes"), s.SlotWaitInterval);

    private static string ProtectedMessage(int? vmid) =>
        $"CT {vmid} has protection on, so it cannot be destroyed; turn it off to let the deletion finish (pct set {vmid} --protection 0)";

    /// <summary>"local:vztmpl/x.tar.zst" → "local".</summary>
    public static string TemplateStorage(string template) => template[..template.IndexOf(':', StringComparison.Ordinal)];

    /// <summary>"8Gi" → 8; null when not whole GiB.</summary>
    public static int? RootfsGib(string size) =>
        size.EndsWith("Gi", StringComparison.Ordinal) && int.TryParse(size[..^2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var gib) && gib > 0
            ? gib
            : null;

    /// <summary>PVE's "CT 120 already exists on node 'pve2'" (or "VM ..." for a virtual machine).</summary>
    public static (string? Kind, string? Node) ParseAlreadyExists(string message) =>
        AlreadyExistsPattern().Match(message) is { Success: true } match ? (match.Groups["kind"].Value, match.Groups["node"].Value) : (null, null);

    /// <summary>The create task's error when the template volume's file is missing.</summary>
    public static bool MissingTemplate(string? failure) =>
        failure is not null && (failure.Contains("can't find file", StringComparison.Ordinal) || failure.Contains("does not exist", StringComparison.Ordinal));

    [GeneratedRegex(@"(?<kind>CT|VM) \d+ already exists on node '(?<node>[^']+)'")]
    private static partial Regex AlreadyExistsPattern();

    [GeneratedRegex(ContainerCreateSpec.TemplatePattern)]
    private static partial Regex TemplatePattern();
}
