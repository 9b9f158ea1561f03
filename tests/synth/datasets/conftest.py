"""Fixtures: a seeded graph, and tiny datasets written in the exact published column layouts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.seed import init_store
from kg.store.base import GraphStore
from tests.fixtures.images import write_image as real_image


@pytest.fixture
def seeded_store(sqlite_store: GraphStore) -> Iterator[GraphStore]:
    init_store(sqlite_store)
    yield sqlite_store


def write_image(path: Path, content: str) -> None:
    real_image(path, content)  # a real image with distinct bytes (dataset images are verified)


@pytest.fixture
def ham_dir(tmp_path: Path) -> Path:
    """HAM10000: ``HAM10000_metadata.csv`` and images split over two part folders."""
    root = tmp_path / "ham"
    root.mkdir()
    rows = ["lesion_id,image_id,dx,dx_type,age,sex,localization,dataset"]
    for i in range(30):
        dx = ["nv", "mel", "bkl", "bcc", "akiec", "df", "vasc"][i % 7]
        lesion = f"HAM_{i // 2:07d}"  # two images per lesion
        rows.append(f"{lesion},ISIC_{i:07d},{dx},histo,50.0,male,back,vidir_modern")
        if i != 29:  # the last image is missing
            write_image(root / f"HAM10000_images_part_{1 + i % 2}" / f"ISIC_{i:07d}.jpg", f"ham{i}")
    rows.append("HAM_0099999,ISIC_0099999,,histo,50.0,male,back,vidir_modern")  # malformed: no dx
    (root / "HAM10000_metadata.csv").write_text("\n".join(rows) + "\n")
    return root


@pytest.fixture
def pad_dir(tmp_path: Path) -> Path:
    """PAD-UFES-20: ``metadata.csv`` (26 columns, ``diagnostic``, ``img_id``), images in imgs_part_*."""
    root = tmp_path / "pad"
    header = (
        "patient_id,lesion_id,smoke,drink,background_father,background_mother,age,pesticide,gender,"
        "skin_cancer_history,cancer_history,has_piped_water,has_sewage_system,fitspatrick,region,"
        "diameter_1,diameter_2,diagnostic,itch,grew,hurt,changed,bleed,elevation,img_id,biopsed"
    )
    rows = [header]
    for i in range(20):
        dx = ["ACK", "BCC", "MEL", "NEV", "SCC", "SEK"][i % 6]
        img = f"PAT_{i // 3}_{i}_{100 + i}.png"
        rows.append(
            f"PAT_{i // 3},{i},False,False,POMERANIA,POMERANIA,55,False,MALE,True,True,True,True,3.0,"
            f"FACE,6.0,5.0,{dx},True,False,False,False,False,True,{img},True"
        )
        write_image(root / "images" / f"imgs_part_{1 + i % 3}" / img, f"pad{i}")
    (root / "metadata.csv").write_text("\n".join(rows) + "\n")
    return root


@pytest.fixture
def bcn_dir(tmp_path: Path) -> Path:
    root = tmp_path / "bcn"
    rows = ["bcn_filename,age_approx,anatom_site_general,diagnosis,lesion_id,capture_date,sex,split"]
    for i in range(16):
        dx = ["NV", "MEL", "BCC", "BKL", "AK", "SCC", "DF", "VASC"][i % 8]
        rows.append(
            f"BCN_{i:07d}.jpg,55,anterior torso,{dx},BCN_L{i // 2},2012-01-01,male,"
            f"{'test' if i >= 12 else 'train'}"
        )
        write_image(root / "images" / f"BCN_{i:07d}.jpg", f"bcn{i}")
    rows.append(
        "BCN_9999999.jpg,55,anterior torso,UNK,BCN_L99,2012-01-01,male,train"
    )  # label outside the set
    write_image(root / "images" / "BCN_9999999.jpg", "bcn-unk")
    (root / "bcn20000_metadata.csv").write_text("\n".join(rows) + "\n")
    return root


@pytest.fixture
def derm12345_dir(tmp_path: Path) -> Path:
    """DERM12345: per-image hierarchy (super_class, malignancy, main_class_1/2, sub_class, label)."""
    root = tmp_path / "derm12345"
    header = "image_id,super_class,malignancy,main_class_1,main_class_2,sub_class,label"
    entries = [
        ("melanocytic benign", "benign", "melanocytic", "nevus", "blue nevus", "bn"),
        ("melanocytic malignant", "malignant", "melanocytic", "melanoma", "melanoma in situ", "mis"),
        ("nonmelanocytic benign", "benign", "keratinocytic", "keratosis", "seborrheic keratosis", "sk"),
        ("nonmelanocytic benign", "benign", "vascular", "angioma", "spider angioma", "sa"),
    ]
    for split in ("train", "test"):
        rows = [header]
        for i, e in enumerate(entries * 2):
            name = f"{split}_{i:04d}"
            rows.append(f"{name},{','.join(e)}")
            write_image(root / "images" / f"{name}.jpg", f"d12-{name}")
        (root / f"derm12345_metadata_{split}.csv").write_text("\n".join(rows) + "\n")
    return root


@pytest.fixture
def dermnet_dir(tmp_path: Path) -> Path:
    """DermNet: ``{train,test}/<class folder>/*.jpg``; class names come from the folders."""
    root = tmp_path / "dermnet"
    for split, n in (("train", 3), ("test", 1)):
        for cls in (
            "Melanoma Skin Cancer Nevi and Moles",
            "Seborrheic Keratoses and other Benign Tumors",
            "Vascular Tumors",
        ):
            for i in range(n):
                write_image(root / split / cls / f"{cls[:4]}-{i}.jpg", f"dn-{split}-{cls}-{i}")
    return root
