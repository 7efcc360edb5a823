//! Points of P-384 (y² = x³ − 3x + b) in affine and Jacobian coordinates, with the textbook
//! variable-time formulas for a = −3 (Explicit-Formulas Database: `dbl-2001-b`, `madd-2007-bl`,
//! `add-2007-bl`).
//!
//! These formulas are not complete: the doubling case of an addition (equal inputs) and the
//! cancelling case (opposite inputs) are detected and handled by branches, which is fine here
//! because verification handles public data only. Every function is a `const fn`, so the same
//! code builds compile-time tables and runs verification.
//!
//! Invariants: an [`Affine`] point is a finite point on the curve; a [`Jacobian`] point
//! (X : Y : Z) stands for (X/Z², Y/Z³), and is the point at infinity exactly when `infinity` is
//! set. P-384's group has prime order, so no finite point has y = 0 and Z never becomes zero
//! for a finite result (Z₃ is 2·Y·Z when doubling, 2·Z₁·Z₂·H when adding with H ≠ 0).

use crate::field::{self, Fe};

/// A finite point on the curve, in affine coordinates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Affine {
    /// x.
    pub(crate) x: Fe,
    /// y.
    pub(crate) y: Fe,
}

impl Affine {
    /// The generator G of SEC 2 / FIPS 186-5.
    pub(crate) const GENERATOR: Affine = Affine {
        x: field::constant(
            b"aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
        ),
        y: field::constant(
            b"3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
        ),
    };

    /// Whether (x, y) satisfies y² = x³ − 3x + b.
    pub(crate) const fn is_on_curve(x: &Fe, y: &Fe) -> bool {
        let x3 = x.square().multiply(x);
        let three_x = x.double().add(x);
        let rhs = x3.sub(&three_x).add(&field::B);
        field::eq(&y.square(), &rhs)
    }

    /// −P.
    pub(crate) const fn neg(&self) -> Affine {
        Affine {
            x: self.x,
            y: self.y.neg(),
        }
    }
}

/// A point in Jacobian coordinates, possibly the point at infinity.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Jacobian {
    x: Fe,
    y: Fe,
    z: Fe,
    infinity: bool,
}

impl Jacobian {
    /// The point at infinity (the group's identity).
    pub(crate) const IDENTITY: Jacobian = Jacobian {
        x: Fe::ONE,
        y: Fe::ONE,
        z: Fe::ZERO,
        infinity: true,
    };

    /// The finite point `p`, with Z = 1.
    pub(crate) const fn from_affine(p: &Affine) -> Jacobian {
        Jacobian {
            x: p.x,
            y: p.y,
            z: Fe::ONE,
            infinity: false,
        }
    }

    /// Whether this is the point at infinity.
    pub(crate) const fn is_identity(&self) -> bool {
        self.infinity
    }

    /// The Z coordinate (non-zero for a finite point).
    pub(crate) const fn z(&self) -> &Fe {
        &self.z
    }

    /// The X coordinate.
    pub(crate) const fn x(&self) -> &Fe {
        &self.x
    }

    /// 2P (`dbl-2001-b`, a = −3: 3M + 5S).
    pub(crate) const fn double(&self) -> Jacobian {
        if self.infinity {
            return *self;
        }
        let delta = self.z.square();
        let gamma = self.y.square();
        let beta = self.x.multiply(&gamma);
        let t = self.x.sub(&delta).multiply(&self.x.add(&delta));
        let alpha = t.double().add(&t);
        let beta4 = beta.double().double();
        let x3 = alpha.square().sub(&beta4.double());
        let z3 = self.y.add(&self.z).square().sub(&gamma).sub(&delta);
        let gamma2_8 = gamma.square().double().double().double();
        let y3 = alpha.multiply(&beta4.sub(&x3)).sub(&gamma2_8);
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
            infinity: false,
        }
    }

    /// P + Q for an affine Q (`madd-2007-bl`: 7M + 4S).
    pub(crate) const fn add_affine(&self, q: &Affine) -> Jacobian {
        if self.infinity {
            return Jacobian::from_affine(q);
        }
        let z1z1 = self.z.square();
        let u2 = q.x.multiply(&z1z1);
        let s2 = q.y.multiply(&self.z).multiply(&z1z1);
        let h = u2.sub(&self.x);
        let r_half = s2.sub(&self.y);
        if field::is_zero(&h) {
            // Same x: P = Q (double) or P = −Q (the sum is the point at infinity).
            return if field::is_zero(&r_half) {
                self.double()
            } else {
                Jacobian::IDENTITY
            };
        }
        let hh = h.square();
        let i = hh.double().double();
        let j = h.multiply(&i);
        let r = r_half.double();
        let v = self.x.multiply(&i);
        let x3 = r.square().sub(&j).sub(&v.double());
        let y3 = r.multiply(&v.sub(&x3)).sub(&self.y.multiply(&j).double());
        let z3 = self.z.add(&h).square().sub(&z1z1).sub(&hh);
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
            infinity: false,
        }
    }

    /// P − Q for an affine Q.
    pub(crate) const fn sub_affine(&self, q: &Affine) -> Jacobian {
        self.add_affine(&q.neg())
    }

    /// P + Q (`add-2007-bl`: 11M + 5S).
    pub(crate) const fn add(&self, q: &Jacobian) -> Jacobian {
        if self.infinity {
            return *q;
        }
        if q.infinity {
            return *self;
        }
        let z1z1 = self.z.square();
        let z2z2 = q.z.square();
        let u1 = self.x.multiply(&z2z2);
        let u2 = q.x.multiply(&z1z1);
        let s1 = self.y.multiply(&q.z).multiply(&z2z2);
        let s2 = q.y.multiply(&self.z).multiply(&z1z1);
        let h = u2.sub(&u1);
        let r_half = s2.sub(&s1);
        if field::is_zero(&h) {
            return if field::is_zero(&r_half) {
                self.double()
            } else {
                Jacobian::IDENTITY
            };
        }
        let i = h.double().square();
        let j = h.multiply(&i);
        let r = r_half.double();
        let v = u1.multiply(&i);
        let x3 = r.square().sub(&j).sub(&v.double());
        let y3 = r.multiply(&v.sub(&x3)).sub(&s1.multiply(&j).double());
        let z3 = self.z.add(&q.z).square().sub(&z1z1).sub(&z2z2).multiply(&h);
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
            infinity: false,
        }
    }

    /// The affine point, given 1/Z (the caller batches inversions); `None` at infinity.
    pub(crate) const fn affine_with(&self, z_inv: &Fe) -> Option<Affine> {
        if self.infinity {
            return None;
        }
        let z_inv2 = z_inv.square();
        Some(Affine {
            x: self.x.multiply(&z_inv2),
            y: self.y.multiply(&z_inv2.multiply(z_inv)),
        })
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
mod tests {
    //! The branches of the incomplete formulas (equal inputs, opposite inputs, the identity)
    //! with the canonical `is_zero`: equal points in different Jacobian representations must
    //! still meet the doubling branch. Results are held to p384's group law.
    use super::*;
    use p384::elliptic_curve::sec1::ToSec1Point;
    use p384::{ProjectivePoint, Scalar};

    extern crate std;

    fn from_p384(p: &ProjectivePoint) -> Affine {
        let sec1 = p.to_affine().to_sec1_point(false);
        let b = sec1.as_bytes();
        Affine {
            x: Fe::from_slice(&b[1..49]).unwrap(),
            y: Fe::from_slice(&b[49..97]).unwrap(),
        }
    }

    /// (λ²x, λ³y, λ): the same point with Z = λ.
    fn scaled(p: &Affine, lambda: &Fe) -> Jacobian {
        let l2 = lambda.square();
        Jacobian {
            x: p.x.multiply(&l2),
            y: p.y.multiply(&l2.multiply(lambda)),
            z: *lambda,
            infinity: false,
        }
    }

    /// Whether `j` is the finite point `want`.
    fn is(j: &Jacobian, want: &ProjectivePoint) -> bool {
        let w = from_p384(want);
        let a = j.affine_with(&j.z.invert_vartime().unwrap()).unwrap();
        field::eq(&a.x, &w.x) && field::eq(&a.y, &w.y)
    }

    fn scalar(k: u64) -> Scalar {
        -Scalar::from(k.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    #[test]
    fn doubling_and_cancelling_branches() {
        let lambdas = [
            Fe::ONE,
            Fe::ONE.neg(),
            Fe::from_u64(2),
            field::constant(
                b"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffe",
            ),
            field::N_FE,
        ];
        for k in 1..6u64 {
            let p = ProjectivePoint::GENERATOR * scalar(k);
            let a = from_p384(&p);
            let twice = p + p;
            for l1 in &lambdas {
                let j1 = scaled(&a, l1);
                assert!(is(&j1.double(), &twice));
                // P + P through the addition formulas: h = 0 and r = 0 only if compared
                // canonically, whatever the Z.
                assert!(is(&j1.add_affine(&a), &twice));
                assert!(j1.sub_affine(&a).is_identity());
                assert!(j1.add_affine(&a.neg()).is_identity());
                for l2 in &lambdas {
                    let j2 = scaled(&a, l2);
                    assert!(is(&j1.add(&j2), &twice));
                    assert!(j1.add(&scaled(&a.neg(), l2)).is_identity());
                    // Different points: the generic branch, against p384.
                    let q = p + p + p;
                    let jq = scaled(&from_p384(&q), l2);
                    assert!(is(&j1.add(&jq), &(p + q)));
                    assert!(is(&j1.add_affine(&from_p384(&q)), &(p + q)));
                }
                // The identity on either side, and doubled.
                let id = Jacobian::IDENTITY;
                assert!(is(&id.add(&j1), &p));
                assert!(is(&j1.add(&id), &p));
                assert!(is(&id.add_affine(&a), &p));
                assert!(id.double().is_identity());
                assert!(id.add(&id).is_identity());
            }
        }
    }
}
