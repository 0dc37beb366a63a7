#!/usr/bin/env perl
# Turns the "equivalent-mutants" of a Stryker configuration (eng/stryker/<project>.json) into Stryker --mutate
# exclusions, one per line: !**/<file>{<start>..<end>}.
#
#   perl eng/stryker/equivalents.pl eng/stryker/Workflows.Core.json src/Workflows.Core
#
# Stryker.NET 5 excludes parts of a file by character offsets ({start..end}), which every edit above them moves. The
# configuration names each piece of code by its text instead, and this script finds it: the text must occur exactly once
# in the file (runs of whitespace match any whitespace, so re-indenting does not matter), else the script stops and
# says which entry to fix. Every mutant whose code lies inside the piece is excluded; entries without a reason are refused.
use strict;
use warnings;
use JSON::PP;

my ($config, $source_root) = @ARGV;
die "usage: equivalents.pl <stryker config> <project folder>\n" unless defined $source_root;

open my $in, '<:encoding(UTF-8)', $config or die "equivalents.pl: cannot read $config: $!\n";
# The configuration is JSON with whole-line // comments (which Stryker accepts).
my $json = join '', grep { !m{^\s*//} } <$in>;
close $in;
my $entries = JSON::PP->new->decode($json)->{'equivalent-mutants'} // [];

my $failed = 0;
for my $i (0 .. $#$entries) {
    my $entry = $entries->[$i];
    my ($file, $code, $reason) = @{$entry}{qw(file code reason)};
    my $where = "$config, equivalent-mutants[$i]";
    # "code" is one piece of code, or a list of pieces that share the reason.
    my @pieces = ref $code eq 'ARRAY' ? @$code : ($code);
    if (!defined $file || !@pieces || grep({ !defined || ref || !/\S/ } @pieces) || !defined $reason || $reason !~ /\S/) {
        warn "$where: needs \"file\", \"code\" (a piece of code or a list of them) and a \"reason\" saying why no test can tell its mutants from the original.\n";
        $failed = 1;
        next;
    }

    my $path = "$source_root/$file";
    open my $src, '<:encoding(UTF-8)', $path or do {
        warn "$where: $path cannot be read ($!); was the file moved or renamed?\n";
        $failed = 1;
        next;
    };
    my $text = do { local $/; <$src> };
    close $src;
    $text =~ s/^\x{FEFF}//; # Roslyn's offsets do not count a byte order mark

    for my $piece (@pieces) {
        my $pattern = join '\s+', map { quotemeta } split /\s+/, ($piece =~ s/^\s+|\s+$//gr);
        my @spans;
        while ($text =~ /$pattern/g) {
            push @spans, [$-[0], $+[0]];
        }

        if (@spans != 1) {
            my $found = @spans ? scalar(@spans) . " times" : "nowhere";
            warn "$where: the code \"$piece\" occurs $found in $path; it must occur exactly once "
                . (@spans ? "(quote more of it)" : "(the code changed: check whether the mutants are still equivalent, then update or remove the entry)")
                . ".\n";
            $failed = 1;
            next;
        }

        # Roslyn counts UTF-16 code units: a character beyond the Basic Multilingual Plane counts twice.
        my ($start, $end) = @{$spans[0]};
        $start += () = substr($text, 0, $start) =~ /[\x{10000}-\x{10FFFF}]/g;
        $end += () = substr($text, 0, $spans[0][1]) =~ /[\x{10000}-\x{10FFFF}]/g;

        # A linked source (../Shared/CheckedBinder.cs) is matched by the part of its path below the parent folders.
        (my $glob = $file) =~ s{^(?:\.\./)+}{};
        print "!**/$glob\{$start..$end}\n";
    }
}

exit $failed;
