using System.Security.Cryptography;
using System.Text;
using PveSimulator.Config;

namespace PveOperator.Tests.Simulator;

public sealed class ContainerConfigTests
{
    [Fact]
    public void File_lists_description_comments_then_sorted_keys_then_the_pending_section()
    {
        var config = new ContainerConfig();
        config.Set("swap", "512");
        config.Set("memory", "1024");
        config.Set("description", "managed in Git\nsecond line");
        config.Set("arch", "amd64");
        config.SetPending("memory", "2048");
        config.DeletePending("swap");

        Assert.Equal(
            "#managed in Git\n#second line\narch: amd64\nmemory: 1024\nswap: 512\n\n[pve:pending]\ndelete: swap\nmemory: 2048\n",
            config.Render());
    }

    [Fact]
    public void Digest_is_the_SHA1_of_the_file_text_and_changes_with_the_pending_section()
    {
        var config = new ContainerConfig();
        config.Set("memory", "512");
        var before = config.Digest;
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("memory: 512\n"))), before);

        config.SetPending("memory", "1024");

        Assert.NotEqual(before, config.Digest);
    }

    [Fact]
    public void A_pending_value_equal_to_the_current_one_is_dropped_and_deleting_an_unset_key_queues_nothing()
    {
        var config = new ContainerConfig();
        config.Set("memory", "512");

        config.SetPending("memory", "512");
        config.DeletePending("swap");

        Assert.False(config.HasPending);
    }

    [Fact]
    public void Applying_pending_moves_values_and_deletions_into_the_main_section()
    {
        var config = new ContainerConfig();
        config.Set("memory", "512");
        config.Set("nameserver", "1.1.1.1");
        config.SetPending("memory", "1024");
        config.DeletePending("nameserver");
        Assert.Equal("1.1.1.1", config.Get("nameserver"));
        Assert.Equal("1024", config.Merged()["memory"]);
        Assert.False(config.Merged().ContainsKey("nameserver"));

        config.ApplyPending();

        Assert.Equal("1024", config.Get("memory"));
        Assert.Null(config.Get("nameserver"));
        Assert.False(config.HasPending);
    }
}
