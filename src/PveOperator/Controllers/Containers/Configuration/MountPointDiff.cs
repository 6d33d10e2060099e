using System.Globalization;
using PveOperator.Entities;
using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>
/// Mount points by key (mp0..mp255): a new one is allocated on its storage, an existing one keeps its volume and has
/// path, backup and read-only set over it, its size only grows (PUT .../resize), and one PVE has but the list lacks is
/// detached (PVE keeps its volume as unusedN: nothing is destroyed).
/// </summary>
internal static class MountPointDiff
{
    public static void Compare(IReadOnlyList<MountPointSpec> mountPoints, ConfigObservation actual, DiffBuilder diff)
    {
        foreach (var duplicate in mountPoints.GroupBy(m => m.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            diff.Problem($"mountPoints lists {duplicate.Key} {duplicate.Count()} times: give each mount point one entry");
            return;
        }

        foreach (var mount in mountPoints)
        {
            var field = $"mountPoints[{mount.Name}]";
            var wantedBytes = PveSize.QuantityBytes(mount.Size) ?? 0;
            if (actual.Get(mount.Name) is not { } text)
            {
                if (mount.Storage is not { } storage)
                {
                    diff.Problem($"{field}.storage is needed to create the mount point: name the storage to allocate its {mount.Size} on");
                    continue;
                }

                var created = new Dictionary<string, string>(StringComparer.Ordinal) { ["mp"] = mount.Path };
                Options(mount, created);
                var value = $"{storage}:{PveSize.Gibibytes(wantedBytes).ToString(CultureInfo.InvariantCulture)},{ConfigText.Join(created, first: "mp")}";
                diff.Set(field, $"{mount.Size} on {storage} at {mount.Path}", null, mount.Name, value);
                continue;
            }

            var volume = text.Split(',')[0];
            var has = PvePropertyString.Parse(text[volume.Length..].TrimStart(','));
            var wanted = new Dictionary<string, string>(has, StringComparer.Ordinal) { ["mp"] = mount.Path };
            Options(mount, wanted);
            var changed = false;
            if (!string.Equals(has.GetValueOrDefault("mp"), mount.Path, StringComparison.Ordinal))
            {
                diff.Drift($"{field}.path", mount.Path, has.GetValueOrDefault("mp"));
                changed = true;
            }

            // PVE's defaults for a mount point without the keys: no backup, read-write.
            foreach (var (subfield, key, value) in new[] { ("backup", "backup", mount.Backup), ("readOnly", "ro", mount.ReadOnly) })
            {
                if (value is { } flag && ConfigText.Bool(has.GetValueOrDefault(key)) != flag)
                {
                    diff.Drift($"{field}.{subfield}", ConfigText.Show(flag), ConfigText.Show(ConfigText.Bool(has.GetValueOrDefault(key))));
                    changed = true;
                }
            }

            if (changed)
            {
                diff.SetKey(mount.Name, $"{volume},{ConfigText.Join(wanted, first: "mp")}");
            }

            if (PveSize.PveBytes(has.GetValueOrDefault("size")) is { } hasBytes)
            {
                ConfigDiff.Disk($"{field}.size", mount.Name, wantedBytes, hasBytes, diff);
            }
        }

        var names = mountPoints.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in actual.Values.Where(v => IsMountKey(v.Key) && !names.Contains(v.Key)))
        {
            diff.Delete($"mountPoints[{key}]", null, value, key);
        }
    }

    private static void Options(MountPointSpec mount, Dictionary<string, string> pairs)
    {
        if (mount.Backup is { } backup)
        {
            pairs["backup"] = ConfigText.Flag(backup);
        }

        if (mount.ReadOnly is { } readOnly)
        {
            pairs["ro"] = ConfigText.Flag(readOnly);
        }
    }

    public static bool IsMountKey(string key) =>
        key.StartsWith("mp", StringComparison.Ordinal) && int.TryParse(key.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
