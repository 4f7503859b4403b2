#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# configfs: backstores/{ram,null,block,file}/<name>: attributes, defaults,
# value ranges and the errno of every refused write.
. "$KTGT_SRC/selftests/lib/lib.sh"
B=$KTGT_CFS/backstores

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"

for type in ram null; do
	d=$B/$type/${type}0
	t_errno "$type: mkdir" OK mkdir $d
	t_eq "$type: attributes" "alua block_size enable pr_state readonly removable size_bytes unit_serial" "$(ls $d | xargs)"
	t_file "$type: block_size defaults to 512" $d/block_size 512
	t_file "$type: size_bytes defaults to 0" $d/size_bytes 0
	t_file "$type: enable defaults to 0" $d/enable 0
	t_file "$type: readonly defaults to 0" $d/readonly 0
	t_match "$type: unit_serial defaults to 16 hex digits" '^[0-9a-f]{16}$' "$(cat $d/unit_serial)"
	t_errno "$type: enable without a size: EINVAL" EINVAL write $d/enable 1
	t_errno "$type: size_bytes not a multiple of 512: EINVAL" EINVAL write $d/size_bytes 1000
	t_errno "$type: size_bytes garbage: EINVAL" EINVAL write $d/size_bytes 12abc
	t_errno "$type: size_bytes negative: EINVAL" EINVAL write $d/size_bytes -512
	t_errno "$type: size_bytes 64 MiB" OK write $d/size_bytes 67108864
	t_file "$type: size_bytes reads back" $d/size_bytes 67108864
	t_errno "$type: block_size 1024: EINVAL" EINVAL write $d/block_size 1024
	t_errno "$type: block_size 0: EINVAL" EINVAL write $d/block_size 0
	t_errno "$type: block_size 4096" OK write $d/block_size 4096
	t_file "$type: block_size reads back" $d/block_size 4096
	t_errno "$type: unit_serial with a blank: EINVAL" EINVAL write $d/unit_serial "AB CD"
	t_errno "$type: unit_serial of 64 chars: EINVAL" EINVAL write $d/unit_serial "$(printf '%064d' 0)"
	t_errno "$type: unit_serial of 63 chars" OK write $d/unit_serial "$(printf 'S%062d' 7)"
	t_file "$type: unit_serial reads back" $d/unit_serial "$(printf 'S%062d' 7)"
	t_errno "$type: readonly 2: EINVAL" EINVAL write $d/readonly 2
	t_errno "$type: readonly 1" OK write $d/readonly 1
	t_file "$type: readonly reads back" $d/readonly 1
	t_errno "$type: readonly 0" OK write $d/readonly 0
	t_file "$type: removable defaults to 0" $d/removable 0
	t_errno "$type: removable 2: EINVAL" EINVAL write $d/removable 2
	t_errno "$type: removable 1" OK write $d/removable 1
	t_file "$type: removable reads back" $d/removable 1
	t_errno "$type: removable 0" OK write $d/removable 0
	t_errno "$type: enable 2: EINVAL" EINVAL write $d/enable 2
	t_errno "$type: enable 1" OK write $d/enable 1
	t_file "$type: enabled" $d/enable 1
	t_errno "$type: enable 1 again is a no-op" OK write $d/enable 1
	t_errno "$type: size_bytes while enabled, not whole blocks: EINVAL" EINVAL write $d/size_bytes 1049088
	t_errno "$type: size_bytes 0 while enabled: EINVAL" EINVAL write $d/size_bytes 0
	t_file "$type: size unchanged" $d/size_bytes 67108864
	t_errno "$type: size_bytes while enabled resizes" OK write $d/size_bytes 1048576
	t_file "$type: resized" $d/size_bytes 1048576
	t_errno "$type: size_bytes grows back while enabled" OK write $d/size_bytes 67108864
	t_errno "$type: block_size while enabled: EBUSY" EBUSY write $d/block_size 512
	t_errno "$type: removable may change while enabled" OK write $d/removable 1
	t_errno "$type: unit_serial may change while enabled" OK write $d/unit_serial SERIAL2
	t_errno "$type: readonly may change while enabled" OK write $d/readonly 1
	t_errno "$type: mkdir of the same name: EEXIST" EEXIST mkdir $d
	t_errno "$type: enable 0" OK write $d/enable 0
	t_errno "$type: size_bytes after disable" OK write $d/size_bytes 1048576
	t_errno "$type: rmdir" OK rmdir $d
	t_errno "$type: name of 64 bytes: ENAMETOOLONG" ENAMETOOLONG mkdir $B/$type/$(printf 'n%063d' 0)
	t_errno "$type: name of 63 bytes" OK mkdir $B/$type/$(printf 'n%062d' 0)
	t_run "$type: rmdir an enabled backstore" sh -c "echo 4096 > $B/$type/$(printf 'n%062d' 0)/size_bytes; echo 1 > $B/$type/$(printf 'n%062d' 0)/enable; rmdir $B/$type/$(printf 'n%062d' 0)"
done
t_errno "unit_serial is per name: same name, same serial" OK mkdir $B/ram/same
s1=$(cat $B/ram/same/unit_serial)
rmdir $B/ram/same; mkdir $B/ram/same
t_eq "unit_serial is stable across re-creation" "$s1" "$(cat $B/ram/same/unit_serial)"
t_run "a ram and a null backstore of the same name have different serials" \
	sh -c "mkdir $B/null/same && [ \"\$(cat $B/null/same/unit_serial)\" != \"$s1\" ]"
rmdir $B/ram/same $B/null/same
t_errno "mkdir of a file directly in backstores/: EPERM" EPERM mkdir $B/foo

# block: on a brd RAM disk
t_run "brd RAM disk of 32 MiB" brd_disk 32
d=$B/block/b0
t_errno "block: mkdir" OK mkdir $d
t_eq "block: attributes" "alua block_size dev enable pr_state readonly removable size_bytes unit_serial" "$(ls $d | xargs)"
t_file "block: dev defaults to empty" $d/dev ""
t_errno "block: enable without dev: EINVAL" EINVAL write $d/enable 1
t_errno "block: relative dev path: EINVAL" EINVAL write $d/dev ram0
t_errno "block: dev of 256 bytes: EINVAL" EINVAL write $d/dev "/$(printf '%0255d' 0)"
t_errno "block: dev /dev/ram0" OK write $d/dev /dev/ram0
t_file "block: dev reads back" $d/dev /dev/ram0
t_errno "block: enable" OK write $d/enable 1
t_file "block: size_bytes is the device's" $d/size_bytes 33554432
t_errno "block: dev while enabled: EBUSY" EBUSY write $d/dev /dev/ram1
t_errno "block: size_bytes beyond the device while enabled: EINVAL" EINVAL write $d/size_bytes 67108864
t_errno "block: size_bytes 16 MiB while enabled" OK write $d/size_bytes 16777216
t_file "block: resized" $d/size_bytes 16777216
t_errno "block: size_bytes 0 while enabled: the device's size again" OK write $d/size_bytes 0
t_file "block: size re-read" $d/size_bytes 33554432
t_errno "block: enable 0" OK write $d/enable 0
t_errno "block: readonly 1" OK write $d/readonly 1
t_errno "block: enable read-only" OK write $d/enable 1
t_errno "block: opened read-only: readonly 0 while enabled: EBUSY" EBUSY write $d/readonly 0
t_file "block: still read-only" $d/readonly 1
t_errno "block: enable 0" OK write $d/enable 0
t_errno "block: readonly 0 once disabled" OK write $d/readonly 0
t_errno "block: rmdir" OK rmdir $d
d=$B/block/b1
mkdir $d
t_errno "block: nonexistent device" OK write $d/dev /dev/does-not-exist
t_errno "block: enable of a nonexistent device: ENOENT" ENOENT write $d/enable 1
t_file "block: still disabled" $d/enable 0
rmdir $d

# file: on a regular file of 16 MiB in an ext4 on the RAM disk
mkdir -p /mnt/bsfs && mkfs.ext4 -q -F /dev/ram0 && mount /dev/ram0 /mnt/bsfs
truncate -s 16M /mnt/bsfs/img
d=$B/file/f0
t_errno "file: mkdir" OK mkdir $d
t_eq "file: attributes" "alua block_size enable path pr_state readonly removable size_bytes unit_serial" "$(ls $d | xargs)"
t_errno "file: enable without path: EINVAL" EINVAL write $d/enable 1
t_errno "file: relative path: EINVAL" EINVAL write $d/path img
t_errno "file: path" OK write $d/path /mnt/bsfs/img
t_file "file: path reads back" $d/path /mnt/bsfs/img
t_errno "file: enable" OK write $d/enable 1
t_file "file: size_bytes is the file's" $d/size_bytes 16777216
t_errno "file: path while enabled: EBUSY" EBUSY write $d/path /mnt/bsfs/other
t_errno "file: size_bytes 32 MiB while enabled" OK write $d/size_bytes 33554432
t_file "file: resized" $d/size_bytes 33554432
t_errno "file: size_bytes 0 while enabled: the file's size" OK write $d/size_bytes 0
t_file "file: size re-read" $d/size_bytes 16777216
t_errno "file: rmdir" OK rmdir $d
d=$B/file/f1
mkdir $d
t_errno "file: missing file" OK write $d/path /mnt/bsfs/missing
t_errno "file: enable of a missing file: ENOENT" ENOENT write $d/enable 1
rmdir $d
umount /mnt/bsfs

t_eq "every backstore removed" "" "$(find $B -mindepth 2 -maxdepth 2)"
t_run "rmmod" rmmod ktgt
t_done
