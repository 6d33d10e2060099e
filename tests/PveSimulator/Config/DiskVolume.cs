using System.Globalization;

namespace PveSimulator.Config;

/// <summary>A storage volume a CT config references: rootfs, mpN or unusedN as "&lt;storage&gt;:&lt;volname&gt;[,size=..]".</summary>
internal sealed record DiskVolume(string Key, string Storage, string VolumeName, long SizeBytes)
{
    public string VolumeId => $"{Storage}:{VolumeName}";

    public static IEnumerable<DiskVolume> In(IReadOnlyDictionary<string, string> section)
    {
        foreach (var (key, value) in section)
        {
            if (!ConfigKeys.IsDisk(key) && !ConfigKeys.IsUnused(key))
            {
                continue;
            }

            var volume = ConfigKeys.Volume(value);
            var colon = volume?.IndexOf(':') ?? -1;
            if (volume is null || colon <= 0)
            {
                continue;
            }

            var size = ConfigKeys.ParseSize(ConfigKeys.Option(value, "size")) ?? 0;
            yield return new DiskVolume(key, volume[..colon], volume[(colon + 1)..], size);
        }
    }

    /// <summary>The next free volume name of a CT on a storage of that type, as pve-storage's find_free_diskname picks it.</summary>
    public static string NewName(string storageType, int vmid, IEnumerable<string> takenNames, bool subvolume, bool templateBase = false)
    {
        var prefix = templateBase ? "base" : subvolume || storageType is "zfspool" or "btrfs" ? "subvol" : "vm";
        var taken = takenNames.ToHashSet(StringComparer.Ordinal);
        for (var n = 0; ; n++)
        {
            var name = storageType is "dir" or "nfs" or "cifs"
                ? string.Create(CultureInfo.InvariantCulture, $"{vmid}/{prefix}-{vmid}-disk-{n}.raw")
                : string.Create(CultureInfo.InvariantCulture, $"{prefix}-{vmid}-disk-{n}");
            if (!taken.Contains(name))
            {
                return name;
            }
        }
    }
}
