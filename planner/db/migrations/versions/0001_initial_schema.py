"""Campaign, bassin geography, SIRENE establishments and imports

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 16:34:08.564100
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bassin_commune',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('departement', sa.String(length=3), nullable=False),
    sa.Column('epci', sa.String(length=9), nullable=True),
    sa.Column('ept', sa.String(length=9), nullable=True),
    sa.Column('geometry_wkb', sa.LargeBinary(), nullable=True),
    sa.Column('source_codes', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_bassin_commune'))
    )
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('bassin_kind', sa.String(length=20), nullable=False),
    sa.Column('bassin_code', sa.String(length=50), nullable=False),
    sa.Column('bassin_label', sa.String(length=200), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign'))
    )
    op.create_table('import_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_run'))
    )
    op.create_table('legal_unit',
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('denomination', sa.String(length=200), nullable=True),
    sa.Column('sigle', sa.String(length=50), nullable=True),
    sa.Column('nom', sa.String(length=100), nullable=True),
    sa.Column('nom_usage', sa.String(length=100), nullable=True),
    sa.Column('prenom', sa.String(length=100), nullable=True),
    sa.Column('categorie_juridique', sa.String(length=4), nullable=True),
    sa.Column('categorie_entreprise', sa.String(length=3), nullable=True),
    sa.Column('tranche_effectifs', sa.String(length=2), nullable=True),
    sa.Column('date_creation', sa.Date(), nullable=True),
    sa.Column('etat', sa.String(length=1), nullable=True),
    sa.PrimaryKeyConstraint('siren', name=op.f('pk_legal_unit'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('supported_firm',
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('siret', name=op.f('pk_supported_firm'))
    )
    op.create_table('establishment',
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('nic', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('enseigne', sa.String(length=200), nullable=True),
    sa.Column('denomination_usuelle', sa.String(length=200), nullable=True),
    sa.Column('etat', sa.String(length=1), nullable=False),
    sa.Column('date_creation', sa.Date(), nullable=True),
    sa.Column('tranche_effectifs', sa.String(length=2), nullable=True),
    sa.Column('annee_effectifs', sa.Integer(), nullable=True),
    sa.Column('caractere_employeur', sa.String(length=1), nullable=True),
    sa.Column('siege', sa.Boolean(), nullable=False),
    sa.Column('naf_code', sa.String(length=8), nullable=True),
    sa.Column('naf_nomenclature', sa.String(length=10), nullable=True),
    sa.Column('naf25_code', sa.String(length=8), nullable=True),
    sa.Column('registre_metiers', sa.String(length=8), nullable=True),
    sa.Column('numero_voie', sa.String(length=10), nullable=True),
    sa.Column('indice_repetition', sa.String(length=5), nullable=True),
    sa.Column('type_voie', sa.String(length=10), nullable=True),
    sa.Column('libelle_voie', sa.String(length=200), nullable=True),
    sa.Column('complement_adresse', sa.String(length=200), nullable=True),
    sa.Column('code_postal', sa.String(length=5), nullable=True),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('commune_code_source', sa.String(length=5), nullable=True),
    sa.Column('libelle_commune', sa.String(length=100), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('geo_source', sa.String(length=20), nullable=True),
    sa.Column('date_dernier_traitement', sa.String(length=19), nullable=True),
    sa.Column('in_target', sa.Boolean(), nullable=False),
    sa.Column('source_hash', sa.String(length=16), nullable=False),
    sa.Column('first_import_id', sa.Integer(), nullable=True),
    sa.Column('last_import_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['first_import_id'], ['import_run.id'], name=op.f('fk_establishment_first_import_id_import_run')),
    sa.ForeignKeyConstraint(['last_import_id'], ['import_run.id'], name=op.f('fk_establishment_last_import_id_import_run')),
    sa.PrimaryKeyConstraint('siret', name=op.f('pk_establishment'))
    )
    with op.batch_alter_table('establishment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_establishment_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_establishment_siren'), ['siren'], unique=False)
    op.create_table('non_diffusible_count',
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('active', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['import_run.id'], name=op.f('fk_non_diffusible_count_import_id_import_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('import_id', 'commune_code', name=op.f('pk_non_diffusible_count'))
    )


def downgrade() -> None:
    op.drop_table('non_diffusible_count')
    with op.batch_alter_table('establishment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_establishment_siren'))
        batch_op.drop_index(batch_op.f('ix_establishment_commune_code'))
    op.drop_table('establishment')
    op.drop_table('supported_firm')
    op.drop_table('setting')
    op.drop_table('legal_unit')
    op.drop_table('import_run')
    op.drop_table('campaign')
    op.drop_table('bassin_commune')

